import { type LocalServer, startLocalServer } from '../../local/server';

let server: LocalServer;
let base: string;
let admin: Record<string, string>;

beforeAll(async () => {
  server = await startLocalServer({ port: 0, log: () => {} });
  base = server.url;
  admin = { authorization: `Bearer ${server.adminKey}` };
});

afterAll(() => server.close());

const json = { 'content-type': 'application/json' };

async function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {}
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : json),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';

  return {
    status: response.status,
    headers: response.headers,
    body: text && type.includes('json') ? JSON.parse(text) : text,
  };
}

const slugsOf = (body: { data: { slug: string }[] }) =>
  body.data.map((a) => a.slug);

describe('the local server', () => {
  it('serves the seeded articles as JSON', async () => {
    const reply = await call('GET', '/articles');

    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe(
      'application/json; charset=utf-8'
    );
    expect(reply.body.data).toHaveLength(6);
    expect(reply.body.data[0]).toMatchObject({
      status: 'published',
      slug: expect.any(String),
    });
  });

  it('creates an article and derives its fields', async () => {
    const reply = await call('POST', '/articles', {
      headers: admin,
      body: {
        main_title: 'Hello From HTTP',
        summary: 'Made over the wire.',
        content: 'word '.repeat(300),
      },
    });

    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe('/articles/hello-from-http');
    expect(reply.body).toMatchObject({
      slug: 'hello-from-http',
      est_read_time: 2,
      version: 1,
      status: 'draft',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('answers 400 problem+json naming the field', async () => {
    const wrongType = await call('POST', '/articles', {
      headers: admin,
      body: { main_title: 'X', summary: 'Y', featured: 'yes' },
    });
    const missing = await call('POST', '/articles', {
      headers: admin,
      body: { main_title: 'X' },
    });

    expect(wrongType.status).toBe(400);
    expect(wrongType.headers.get('content-type')).toBe(
      'application/problem+json'
    );
    expect(wrongType.body.errors).toEqual([
      { path: 'featured', rule: 'type', message: 'must be a boolean' },
    ]);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { path: 'summary', rule: 'required', message: 'is required' },
    ]);
  });

  it('hides a draft, then shows it once published', async () => {
    await call('POST', '/articles', {
      headers: admin,
      body: { main_title: 'Draft Over HTTP', summary: 's' },
    });

    const hidden = await call('GET', '/articles/draft-over-http');
    const published = await call('POST', '/articles/draft-over-http/publish', {
      headers: admin,
    });
    const visible = await call('GET', '/articles/draft-over-http');

    expect(hidden.status).toBe(404);
    expect(published.status).toBe(200);
    expect(visible.status).toBe(200);
  });

  it('keeps a scheduled article hidden until it is due', async () => {
    await call('POST', '/articles', {
      headers: admin,
      body: { main_title: 'Scheduled Over HTTP', summary: 's' },
    });
    const at = new Date(Date.now() + 1500).toISOString();

    const scheduled = await call(
      'POST',
      '/articles/scheduled-over-http/publish',
      {
        headers: admin,
        body: { published_at: at },
      }
    );
    const early = await call('GET', '/articles/scheduled-over-http');
    await new Promise((done) => setTimeout(done, 1600));
    const late = await call('GET', '/articles/scheduled-over-http');

    expect(scheduled.body.status).toBe('scheduled');
    expect(early.status).toBe(404);
    expect(late.status).toBe(200);
  });

  it('suffixes a clashing derived slug', async () => {
    const body = { main_title: 'Twice Over HTTP', summary: 's' };

    const first = await call('POST', '/articles', { headers: admin, body });
    const second = await call('POST', '/articles', { headers: admin, body });

    expect([first.body.slug, second.body.slug]).toEqual([
      'twice-over-http',
      'twice-over-http-2',
    ]);
  });

  it('answers 304 to a matching If-None-Match and 412 to a stale If-Match', async () => {
    const created = await call('POST', '/articles', {
      headers: admin,
      body: {
        main_title: 'Conditional Over HTTP',
        summary: 's',
        published: true,
      },
    });
    const etag = created.headers.get('etag') ?? '';

    const notModified = await call('GET', '/articles/conditional-over-http', {
      headers: { 'if-none-match': etag },
    });
    const changed = await call('PATCH', '/articles/conditional-over-http', {
      headers: { ...admin, 'if-match': etag },
      body: { summary: 'changed' },
    });
    const stale = await call('PATCH', '/articles/conditional-over-http', {
      headers: { ...admin, 'if-match': etag },
      body: { summary: 'lost' },
    });

    expect(notModified.status).toBe(304);
    expect(changed.status).toBe(200);
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(changed.headers.get('etag'));
  });

  it('pages with next_cursor', async () => {
    const first = await call('GET', '/articles?limit=4');
    const second = await call(
      'GET',
      `/articles?limit=4&cursor=${first.body.meta.next_cursor}`
    );

    expect(first.body.meta.next_cursor).toEqual(expect.any(String));
    expect(second.body.data.length).toBeGreaterThan(0);
    expect(slugsOf(second.body)).not.toContain(slugsOf(first.body)[0]);
  });

  it('counts categories', async () => {
    const reply = await call('GET', '/categories');

    expect(reply.status).toBe(200);
    expect(reply.body.data[0]).toEqual({ name: 'databases', count: 3 });
  });

  it('answers 404 and 405 as problems for paths and methods it lacks', async () => {
    const missing = await call('GET', '/nope');
    const wrongMethod = await call('PUT', '/articles');

    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe(
      'application/problem+json'
    );
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  it('answers a CORS preflight in dev', async () => {
    const reply = await fetch(`${base}/articles`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://reader.example',
        'access-control-request-method': 'POST',
      },
    });

    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('access-control-allow-headers')).toContain(
      'authorization'
    );
  });

  it('sends security headers and no framework banner', async () => {
    const reply = await call('GET', '/articles');

    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('strict-transport-security')).toContain(
      'max-age='
    );
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
    expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
    expect(reply.headers.get('x-powered-by')).toBeNull();
    expect(reply.headers.get('server')).toBeNull();
  });
});
