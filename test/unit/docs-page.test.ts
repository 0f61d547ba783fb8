import { createHash } from 'node:crypto';
import { docsContentSecurityPolicy, renderDocsPage } from '../../src/docs-page';
import {
  type OpenApiDocument,
  openApiDocument,
  PROBLEM_CODES,
} from '../../src/openapi';
import { type Route, routes } from '../../src/routes';
import { invoke } from '../support/invoke';

const tiny: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Tiny & <i>small</i>', version: '1' },
  paths: {
    '/things/{id}': {
      get: {
        tags: ['things'],
        operationId: 'getThing',
        summary: 'Read a <b>thing</b>',
        description: 'Says "hi" & <script>alert(1)</script> with `code`.',
        security: [],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: '<img src=x>',
            schema: { type: 'string', maxLength: 10 },
          },
        ],
        responses: { '200': { description: 'The <em>thing</em>' } },
      },
    },
  },
};

function styleOf(html: string): string {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];

  expect(styles).toHaveLength(1);

  return styles[0]?.[1] ?? '';
}

describe('renderDocsPage', () => {
  const html = renderDocsPage(openApiDocument());

  it('returns a complete HTML page', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('gives each operation a section whose id is its operationId', () => {
    for (const route of routes as readonly Route[]) {
      const section = new RegExp(
        `<section class="operation" id="${route.operation}">\\s*<h3>(.*?)</h3>`
      ).exec(html);

      expect(section?.[1]).toContain(`>${route.method}<`);
      expect(section?.[1]).toContain(route.path);
      expect(section?.[1]).toContain(route.summary);
    }
  });

  it('anchors every problem code that problem documents link to', () => {
    const codes = PROBLEM_CODES.map((p) => p.code);

    expect(codes).toEqual(
      expect.arrayContaining([
        'validation_failed',
        'bad_request',
        'malformed_json',
        'unauthorized',
        'forbidden',
        'not_found',
        'method_not_allowed',
        'conflict',
        'slug_taken',
        'precondition_failed',
        'payload_too_large',
        'unsupported_media_type',
        'database_unavailable',
        'internal_error',
      ])
    );
    for (const code of codes) {
      expect(html).toContain(`id="problem-${code}"`);
    }
  });

  it('lists the fields of a request body with their limits', () => {
    const create = html.slice(
      html.indexOf('id="createArticle"'),
      html.indexOf('id="getArticle"')
    );

    const row = /<tr><td><code>main_title<\/code><\/td>(.*)<\/tr>/.exec(create);

    expect(row?.[1]).toContain('<span class="required">required</span>');
    expect(row?.[1]).toContain('at most 85 characters');
    expect(create).toContain('<code>image.url</code>');
  });

  it('explains how to authenticate', () => {
    expect(html).toContain('id="authentication"');
    expect(html).toContain('Authorization: Bearer &lt;key&gt;');
  });

  it('contains no script and loads nothing from elsewhere', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(?:src|href)="(?:https?:)?\/\//i);
    expect(html).not.toMatch(/\sstyle="/i);
  });

  it('escapes every piece of text taken from the document', () => {
    const page = renderDocsPage(tiny);

    expect(page).toContain('Read a &lt;b&gt;thing&lt;/b&gt;');
    expect(page).toContain('Tiny &amp; &lt;i&gt;small&lt;/i&gt;');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x&gt;');
    expect(page).toContain('The &lt;em&gt;thing&lt;/em&gt;');
    expect(page).not.toMatch(/<(?:b|i|em|img|script)[\s>]/);
    expect(page).toContain('id="getThing"');
  });
});

describe('docsContentSecurityPolicy', () => {
  it('pins the one style element of the page by its hash', () => {
    const html = renderDocsPage(openApiDocument());
    const hash = createHash('sha256').update(styleOf(html)).digest('base64');

    const policy = docsContentSecurityPolicy(html);

    expect(policy.split('; ')).toEqual([
      "default-src 'none'",
      `style-src 'sha256-${hash}'`,
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
  });

  it('changes when the style changes', () => {
    const html = renderDocsPage(tiny);

    const other = html.replace('<style>', '<style>p{}');

    expect(docsContentSecurityPolicy(other)).not.toBe(
      docsContentSecurityPolicy(html)
    );
  });
});

describe('GET /docs', () => {
  it('returns the page with its own content security policy', async () => {
    const html = renderDocsPage(openApiDocument());

    const reply = await invoke('getDocs');

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.body).toBe(html);
    expect(reply.headers['content-security-policy']).toBe(
      docsContentSecurityPolicy(html)
    );
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });
});
