import { ObjectId } from 'mongodb';
import { type LocalServer, startLocalServer } from '../../local/server';
import { decodeCursor, encodeCursor } from '../../src/models/article-query';
import { type JsonSchema, openApiDocument } from '../../src/openapi';

// Each case here is a place where the server and its OpenAPI document
// disagreed: a request the document calls valid that the server refused, or
// a response the document does not describe. Schemathesis found them.

let server: LocalServer;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startLocalServer({ port: 0, log: () => {} });
  admin = { authorization: `Bearer ${server.adminKey}` };
});

afterAll(() => server.close());

const doc = openApiDocument();

function queryParameter(name: string): JsonSchema {
  const found = doc.paths['/articles']?.get?.parameters?.find(
    (p) => p.name === name
  );

  if (!found) {
    throw new Error(`GET /articles has no parameter ${name}`);
  }

  return found.schema;
}

async function page(query: string) {
  const response = await fetch(`${server.url}/articles?${query}`, {
    headers: admin,
  });

  return { status: response.status, body: (await response.json()) as any };
}

describe('the cursor of GET /articles', () => {
  it('is described by a pattern that every issued cursor matches', async () => {
    const pattern = new RegExp(queryParameter('cursor').pattern ?? '^$');
    // Drafts have no publication time, so their cursors take the short form.
    for (const title of ['First draft', 'Second draft']) {
      await fetch(`${server.url}/articles`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ main_title: title, summary: 'Not yet.' }),
      });
    }

    const first = await page('limit=1');
    const draft = await page('limit=1&status=draft');

    expect(first.body.meta.next_cursor).toMatch(pattern);
    expect(draft.body.meta.next_cursor).toMatch(pattern);
  });

  it('matches the pattern for a publication time before 1970', () => {
    const pattern = new RegExp(queryParameter('cursor').pattern ?? '^$');
    const position = {
      publishedAt: new Date('0020-02-29T00:00:00Z'),
      id: new ObjectId('65f2c1a0e4b0a1b2c3d4e5f6'),
    };

    const token = encodeCursor(position);

    expect(token).toMatch(pattern);
    expect(decodeCursor(token)).toEqual(position);
  });

  it('is accepted whenever it matches the pattern, issued or not', async () => {
    const published = await page(
      'cursor=1741944600000.65f2c1a0e4b0a1b2c3d4e5f6'
    );
    const draft = await page('cursor=65f2c1a0e4b0a1b2c3d4e5f6');
    const ancient = await page(
      'cursor=-62135596800000.000000000000000000000000'
    );

    expect([published.status, draft.status, ancient.status]).toEqual([
      200, 200, 200,
    ]);
  });

  it('is refused with 400 when it does not match the pattern', async () => {
    const reply = await page(`cursor=${'0'.repeat(200)}`);

    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      {
        path: 'cursor',
        rule: 'format',
        message: 'is not a cursor this API issued',
      },
    ]);
  });
});

describe('published_at of POST /articles', () => {
  it('is documented to need published: true, as the server requires', async () => {
    const schema = doc.components?.schemas?.ArticleCreate;

    const response = await fetch(`${server.url}/articles`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        main_title: 'Scheduled but not published',
        summary: 'A time without the flag.',
        published: false,
        published_at: '2031-05-04T09:00:00Z',
      }),
    });

    expect(response.status).toBe(400);
    expect(schema?.dependentSchemas).toEqual({
      published_at: {
        properties: { published: { const: true } },
        required: ['published'],
      },
    });
  });
});

describe('a body over the gateway limit', () => {
  it('gets a 413 whose content type the document lists', async () => {
    const documented = Object.keys(
      doc.paths['/articles']?.post?.responses['413']?.content ?? {}
    );

    const response = await fetch(`${server.url}/articles`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'x'.repeat(2 * 1024 * 1024) }),
    });
    const type = response.headers.get('content-type') ?? '';

    expect(response.status).toBe(413);
    expect(documented).toContain(type.split(';')[0]);
    expect(await response.json()).toEqual({
      message: 'Request Entity Too Large',
    });
  });
});
