import { type LocalServer, startLocalServer } from '../../local/server';
import { getDb } from '../../src/core/db';
import { createApiKey, revokeApiKey } from '../../src/models/api-key';
import { routes } from '../../src/routes';

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer({ port: 0, seed: false, log: () => {} });
});

afterAll(() => server.close());

async function snapshot(): Promise<unknown[]> {
  return (await getDb())
    .collection('articles')
    .find({})
    .sort({ _id: 1 })
    .toArray();
}

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown
) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const requests: Record<
  string,
  { path: string; body?: unknown; success: number }
> = {
  createArticle: {
    path: '/articles',
    body: { main_title: 'Matrix New', summary: 's' },
    success: 201,
  },
  updateArticle: {
    path: '/articles/matrix-target',
    body: { summary: 'changed' },
    success: 200,
  },
  publishArticle: { path: '/articles/matrix-target/publish', success: 200 },
  unpublishArticle: { path: '/articles/matrix-target/unpublish', success: 200 },
  deleteArticle: { path: '/articles/matrix-target', success: 204 },
};

const adminRoutes = routes.filter((route) => route.auth === 'admin');

describe('admin routes', () => {
  let valid: string;
  let revoked: string;
  const unknown = `blog_${'ab'.repeat(12)}_${'x'.repeat(43)}`;

  beforeAll(async () => {
    valid = (await createApiKey('matrix-valid')).key;
    const old = await createApiKey('matrix-revoked');
    await revokeApiKey(old.doc._id.toHexString());
    revoked = old.key;
    await send(
      'POST',
      '/articles',
      { authorization: `Bearer ${valid}` },
      {
        main_title: 'Matrix Target',
        summary: 's',
      }
    );
  });

  it('cover every admin route of the table', () => {
    expect(adminRoutes.map((route) => route.operation).sort()).toEqual(
      Object.keys(requests).sort()
    );
  });

  const refusals: [string, () => Record<string, string>][] = [
    ['no key', () => ({})],
    ['a malformed header', () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['a malformed key', () => ({ authorization: 'Bearer not-a-key' })],
    ['an unknown key', () => ({ authorization: `Bearer ${unknown}` })],
    ['a revoked key', () => ({ authorization: `Bearer ${revoked}` })],
  ];

  for (const route of adminRoutes) {
    const request = requests[route.operation];

    for (const [label, headers] of refusals) {
      it(`refuse ${route.operation} with ${label} and change nothing`, async () => {
        const before = await snapshot();

        const reply = await send(
          route.method,
          request?.path ?? '',
          headers(),
          request?.body
        );

        expect(reply.status).toBe(401);
        expect(reply.headers.get('content-type')).toBe(
          'application/problem+json'
        );
        expect(await snapshot()).toEqual(before);
      });
    }
  }

  // Runs in table order, so deleteArticle goes last and the target exists.
  for (const operation of [
    'createArticle',
    'updateArticle',
    'publishArticle',
    'unpublishArticle',
    'deleteArticle',
  ]) {
    it(`run ${operation} with a valid key`, async () => {
      const request = requests[operation];
      const route = adminRoutes.find((r) => r.operation === operation);

      const reply = await send(
        route?.method ?? 'GET',
        request?.path ?? '',
        { authorization: `Bearer ${valid}` },
        request?.body
      );

      expect(reply.status).toBe(request?.success);
    });
  }

  it('record when a key was last used', async () => {
    const doc = await (await getDb())
      .collection('api_keys')
      .findOne({ name: 'matrix-valid' });

    expect(doc?.last_used_at).toBeInstanceOf(Date);
    expect(doc?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(doc)).not.toContain(valid.split('_')[2]);
  });
});
