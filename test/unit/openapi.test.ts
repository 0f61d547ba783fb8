import { Validator } from '@seriousme/openapi-schema-validator';
import {
  documentPaths,
  type HttpVerb,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  openApiDocument,
} from '../../src/openapi';
import { type Route, routeKey, routes } from '../../src/routes';
import { invoke } from '../support/invoke';

const table = routes as readonly Route[];

function operationOf(route: Route): OpenApiOperation {
  const verb = route.method.toLowerCase() as HttpVerb;
  const found = openApiDocument().paths[route.path]?.[verb];

  if (!found) {
    throw new Error(`no operation for ${routeKey(route)}`);
  }

  return found;
}

function component(doc: OpenApiDocument, ref: unknown): JsonSchema {
  const name = String(ref).replace('#/components/schemas/', '');
  const found = doc.components?.schemas?.[name];

  if (!found) {
    throw new Error(`no component schema for ${String(ref)}`);
  }

  return found;
}

/** Every `$ref` string anywhere in a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(refsIn);
  }

  if (value === null || typeof value !== 'object') {
    return [];
  }

  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)
  );
}

/** Follows a local JSON pointer through the document. */
function pointTo(doc: unknown, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) =>
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[part]
          : undefined,
      doc
    );
}

describe('openApiDocument', () => {
  it('returns an OpenAPI 3.1.0 document with a title and version', () => {
    const doc = openApiDocument();

    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({
      title: 'Blog Content API',
      version: '0.1.0',
    });
  });

  it('returns the same object on every call', () => {
    expect(openApiDocument()).toBe(openApiDocument());
  });

  it('lists every route once, by path and method, with its operationId', () => {
    const doc = openApiDocument();

    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId)
    );

    expect(ids.sort()).toEqual(table.map((r) => r.operation).sort());
    for (const route of table) {
      expect(operationOf(route).operationId).toBe(route.operation);
      expect(operationOf(route).tags).toEqual([route.tag]);
    }
  });

  it('requires the admin key on every admin route', () => {
    const admin = table.filter((r) => r.auth === 'admin');

    const security = admin.map((r) => operationOf(r).security);

    expect(admin.length).toBeGreaterThan(0);
    for (const requirement of security) {
      expect(requirement).toEqual([{ adminKey: [] }]);
    }
    expect(openApiDocument().components?.securitySchemes?.adminKey).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' })
    );
  });

  it('makes the key optional where a public route reads it', () => {
    const optional = ['listArticles', 'getArticle', 'listCategories'];

    const byName = (name: string) =>
      operationOf(table.find((r) => r.operation === name) as Route);

    for (const name of optional) {
      expect(byName(name).security).toEqual([{}, { adminKey: [] }]);
      expect(byName(name).responses['401']).toBeDefined();
    }
    for (const name of ['getOpenApi', 'getDocs']) {
      expect(byName(name).security).toEqual([]);
      expect(byName(name).responses['401']).toBeUndefined();
      expect(byName(name).responses['503']).toBeUndefined();
    }
  });

  it('answers 400 with application/problem+json and the Problem schema', () => {
    const withInput = table.filter((r) => r.params || r.query || r.body);

    const responses = withInput.map((r) => operationOf(r).responses['400']);

    expect(withInput.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response?.content).toEqual({
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/Problem' },
        },
      });
    }
    expect(
      component(openApiDocument(), '#/components/schemas/Problem').required
    ).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code']));
  });

  it('answers 500 everywhere and 503 everywhere but on the meta routes', () => {
    for (const route of table) {
      const codes = Object.keys(operationOf(route).responses);

      expect(codes).toContain('500');
      expect(codes.includes('503')).toBe(route.tag !== 'meta');
    }
  });

  it('offers If-Match and a 412 on the routes that honour it', () => {
    for (const route of table) {
      const op = operationOf(route);

      const names = (op.parameters ?? []).map((p) => p.name);

      expect(names.includes('If-Match')).toBe(route.ifMatch === true);
      expect('412' in op.responses).toBe(route.ifMatch === true);
    }
  });

  it('caps main_title at 85 and requires it and summary to create', () => {
    const doc = openApiDocument();
    const create = table.find((r) => r.operation === 'createArticle') as Route;

    const media = operationOf(create).requestBody?.content['application/json'];
    const schema = component(doc, media?.schema.$ref);

    expect(operationOf(create).requestBody?.required).toBe(true);
    expect(schema.required).toEqual(['main_title', 'summary']);
    expect(schema.properties?.main_title).toMatchObject({ maxLength: 85 });
    expect(schema.$schema).toBeUndefined();
  });

  it('documents the limit query parameter of listArticles as optional', () => {
    const list = table.find((r) => r.operation === 'listArticles') as Route;

    const limit = operationOf(list).parameters?.find((p) => p.name === 'limit');

    expect(limit).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'string' },
    });
    expect(limit?.description).toMatch(/100/);
  });

  it('names every path parameter of each path template', () => {
    for (const route of table) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

      const documented = (operationOf(route).parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name);

      expect(documented).toEqual(inPath);
    }
  });

  it('gives request examples that the request schemas accept', () => {
    const withBody = table.filter((r) => r.body);

    const examples = withBody.flatMap((route) =>
      Object.values(
        operationOf(route).requestBody?.content['application/json']?.examples ??
          {}
      ).map((example) => ({ route, value: example.value }))
    );

    expect(examples.length).toBeGreaterThanOrEqual(withBody.length);
    for (const { route, value } of examples) {
      expect(route.body?.safeParse(value).success).toBe(true);
    }
  });

  it('resolves every $ref inside the document', () => {
    const doc = openApiDocument();

    const refs = refsIn(doc);

    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\//);
      expect(pointTo(doc, ref)).toBeDefined();
    }
  });

  it('validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator();

    const result = await validator.validate(
      JSON.parse(JSON.stringify(openApiDocument()))
    );

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('writes no $schema or $id inside component schemas', () => {
    const schemas = Object.values(openApiDocument().components?.schemas ?? {});

    for (const schema of schemas) {
      expect(schema.$schema).toBeUndefined();
      expect(schema.$id).toBeUndefined();
    }
  });
});

describe('documentPaths', () => {
  it('returns the "METHOD /path" keys of the route table', () => {
    const keys = documentPaths();

    expect([...keys].sort()).toEqual(table.map(routeKey).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('GET /openapi.json', () => {
  it('returns the document with a weak ETag and a public max-age', async () => {
    const reply = await invoke('getOpenApi');

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(
      'application/json; charset=utf-8'
    );
    expect(reply.headers.etag).toMatch(/^W\/"/);
    expect(reply.headers['cache-control']).toBe('public, max-age=60');
    expect(reply.body).toEqual(openApiDocument());
  });

  it('returns 304 without a body to a matching If-None-Match', async () => {
    const first = await invoke('getOpenApi');

    const reply = await invoke('getOpenApi', {
      headers: { 'if-none-match': first.headers.etag ?? '' },
    });

    expect(reply.status).toBe(304);
    expect(reply.raw.body).toBeUndefined();
  });
});
