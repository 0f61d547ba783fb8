import { resetSettings } from '../../src/core/config';
import { closeDb, getClient, getDb } from '../../src/core/db';
import { published } from '../support/articles';
import { invoke } from '../support/invoke';
import { hostAndPort, TcpProxy } from '../support/tcp-proxy';

const realUri = process.env.MONGODB_URI ?? '';
const target = hostAndPort(realUri);
const proxy = new TcpProxy(target.host, target.port);

beforeAll(async () => {
  const port = await proxy.open();
  // Everything in this file reaches the database through the proxy.
  process.env.MONGODB_URI = `mongodb://127.0.0.1:${port}/`;
  resetSettings();
});

afterAll(async () => {
  await closeDb();
  await proxy.cut();
  process.env.MONGODB_URI = realUri;
  resetSettings();
});

describe('the database client', () => {
  it('is created once and reused across invocations', async () => {
    await published(new Date(Date.now() - 1000), { main_title: 'Reuse' });
    const first = await getClient();

    await invoke('getArticle', { params: { slug: 'reuse' } });
    await invoke('listArticles');

    expect(await getClient()).toBe(first);
  });

  it('answers 503 within 5 s while the database is unreachable, then recovers', async () => {
    await published(new Date(Date.now() - 1000), { main_title: 'Steady' });
    await proxy.cut();

    const started = Date.now();
    const down = await invoke('getArticle', { params: { slug: 'steady' } });
    const elapsed = Date.now() - started;
    await proxy.open();
    const up = await invoke('getArticle', { params: { slug: 'steady' } });

    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toBe('application/problem+json');
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body.code).toBe('database_unavailable');
    expect(elapsed).toBeLessThan(5_000);
    expect(up.status).toBe(200);
  });

  it('does not keep a failed connect: the next request connects afresh', async () => {
    await closeDb();
    await proxy.cut();

    const down = await invoke('listCategories');
    await proxy.open();
    const up = await invoke('listCategories');

    expect(down.status).toBe(503);
    expect(up.status).toBe(200);
    expect(await getDb()).toBeDefined();
  });
});
