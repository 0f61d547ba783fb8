import { closeDb } from '../../src/core/db';
import { createApiKey } from '../../src/models/api-key';
import { clearDatabase, create, published } from '../support/articles';
import { ADMIN, invoke } from '../support/invoke';

const HOUR_MS = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR_MS);
const ahead = (hours: number) => new Date(Date.now() + hours * HOUR_MS);

beforeEach(clearDatabase);
afterAll(closeDb);

async function adminHeader(): Promise<Record<string, string>> {
  const { key } = await createApiKey('reader');
  return { authorization: `Bearer ${key}` };
}

describe('GET /articles/{slug}', () => {
  it('returns a published article with an ETag and a public max-age', async () => {
    const article = await published(ago(1), { main_title: 'Visible' });

    const reply = await invoke('getArticle', { params: { slug: 'visible' } });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(article);
    expect(reply.headers.etag).toBe(`"${article.id}.1"`);
    expect(reply.headers['cache-control']).toBe('public, max-age=60');
    expect(reply.headers.vary).toBe('Authorization');
  });

  it('returns 404 for a draft to a public reader', async () => {
    await create({ main_title: 'Secret Draft' });

    const reply = await invoke('getArticle', {
      params: { slug: 'secret-draft' },
    });

    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('not_found');
  });

  it('returns 404 for a scheduled article until it is due', async () => {
    await published(ahead(1), { main_title: 'Later' });

    const reply = await invoke('getArticle', { params: { slug: 'later' } });

    expect(reply.status).toBe(404);
  });

  it('shows a draft to an admin key, uncached', async () => {
    await create({ main_title: 'Secret Draft' });

    const reply = await invoke('getArticle', {
      params: { slug: 'secret-draft' },
      headers: await adminHeader(),
    });

    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('draft');
    expect(reply.headers['cache-control']).toBe('private, no-store');
  });

  it('answers 401, not a public view, for a bad key', async () => {
    await published(ago(1), { main_title: 'Visible' });

    const reply = await invoke('getArticle', {
      params: { slug: 'visible' },
      headers: { authorization: 'Bearer nope' },
    });

    expect(reply.status).toBe(401);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const article = await published(ago(1), { main_title: 'Cached' });

    const reply = await invoke('getArticle', {
      params: { slug: 'cached' },
      headers: { 'if-none-match': `"${article.id}.1"` },
    });

    expect(reply.status).toBe(304);
    expect(reply.raw.body).toBeUndefined();
    expect(reply.headers.etag).toBe(`"${article.id}.1"`);
  });

  it('answers 200 to a stale If-None-Match', async () => {
    const article = await published(ago(1), { main_title: 'Cached' });

    const reply = await invoke('getArticle', {
      params: { slug: 'cached' },
      headers: { 'if-none-match': `"${article.id}.0"` },
    });

    expect(reply.status).toBe(200);
  });

  it('answers 400 naming a malformed slug', async () => {
    const reply = await invoke('getArticle', { params: { slug: 'Not Valid' } });

    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      {
        path: 'slug',
        rule: 'format',
        message: 'must be lowercase letters and digits joined by "-"',
      },
    ]);
  });
});

describe('GET /articles', () => {
  it('lists published articles newest first, without content', async () => {
    await published(ago(3), { main_title: 'Old' });
    await published(ago(1), { main_title: 'New' });
    await published(ago(2), { main_title: 'Middle' });
    await create({ main_title: 'Draft' });
    await published(ahead(2), { main_title: 'Scheduled' });

    const reply = await invoke('listArticles');

    expect(reply.status).toBe(200);
    expect(reply.body.data.map((a: { slug: string }) => a.slug)).toEqual([
      'new',
      'middle',
      'old',
    ]);
    expect(reply.body.data[0]).not.toHaveProperty('content');
    expect(reply.body.meta).toEqual({ limit: 15, next_cursor: null });
    expect(reply.headers.etag).toMatch(/^W\/"/);
  });

  it('pages with a cursor until the end', async () => {
    for (let i = 0; i < 7; i++) {
      await published(ago(10 - i), { main_title: `Post ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;

    do {
      const query: string = cursor ? `limit=3&cursor=${cursor}` : 'limit=3';
      const reply = await invoke('listArticles', { query });
      seen.push(...reply.body.data.map((a: { slug: string }) => a.slug));
      cursor = reply.body.meta.next_cursor;
      pages++;
    } while (cursor);

    expect(pages).toBe(3);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `post-${i}`));
  });

  it('breaks ties in publication time by id', async () => {
    const at = ago(1);
    const a = await published(at, { main_title: 'Tie A' });
    const b = await published(at, { main_title: 'Tie B' });

    const first = await invoke('listArticles', { query: 'limit=1' });
    const second = await invoke('listArticles', {
      query: `limit=1&cursor=${first.body.meta.next_cursor}`,
    });

    expect([first.body.data[0].id, second.body.data[0].id]).toEqual(
      [a.id, b.id].sort().reverse()
    );
    expect(second.body.meta.next_cursor).toBeNull();
  });

  it('reports the total only when asked', async () => {
    await published(ago(1), { main_title: 'One' });
    await published(ago(2), { main_title: 'Two' });

    const reply = await invoke('listArticles', { query: 'limit=1&total=true' });

    expect(reply.body.meta).toMatchObject({ limit: 1, total: 2 });
  });

  it('filters by category, featured, author and a text query', async () => {
    await published(ago(1), {
      main_title: 'Indexes in Practice',
      category: ['databases'],
      featured: true,
      author: 'Ada',
    });
    await published(ago(2), {
      main_title: 'Other',
      summary: 'Mentions INDEXES in passing.',
      category: ['web'],
    });
    await published(ago(3), {
      main_title: 'Unrelated',
      category: ['databases'],
    });

    const slugs = async (query: string) =>
      (await invoke('listArticles', { query })).body.data.map(
        (a: { slug: string }) => a.slug
      );

    expect(await slugs('category=databases')).toEqual([
      'indexes-in-practice',
      'unrelated',
    ]);
    expect(await slugs('featured=true')).toEqual(['indexes-in-practice']);
    expect(await slugs('author=Ada')).toEqual(['indexes-in-practice']);
    expect(await slugs('q=indexes')).toEqual(['indexes-in-practice', 'other']);
    expect(await slugs('q=indexes&category=web')).toEqual(['other']);
  });

  it('matches the text query literally', async () => {
    await published(ago(1), { main_title: 'C++ (and a+b)' });
    await published(ago(2), { main_title: 'Caaab' });

    const reply = await invoke('listArticles', { query: 'q=a%2Bb' });

    expect(reply.body.data.map((a: { slug: string }) => a.slug)).toEqual([
      'c-and-a-b',
    ]);
  });

  it('refuses a limit above 100', async () => {
    const reply = await invoke('listArticles', { query: 'limit=101' });

    expect(reply.status).toBe(400);
    expect(reply.body.errors[0]).toMatchObject({
      path: 'limit',
      rule: 'format',
    });
  });

  it('refuses a cursor it did not issue', async () => {
    const reply = await invoke('listArticles', { query: 'cursor=abc' });

    expect(reply.status).toBe(400);
    expect(reply.body.errors[0]).toMatchObject({ path: 'cursor' });
  });

  it('lets an admin filter by status', async () => {
    await create({ main_title: 'Draft' });
    await published(ahead(1), { main_title: 'Soon' });
    await published(ago(1), { main_title: 'Live' });
    const headers = await adminHeader();

    const status = async (s: string) =>
      (
        await invoke('listArticles', { query: `status=${s}`, headers })
      ).body.data.map((a: { slug: string }) => a.slug);

    expect(await status('draft')).toEqual(['draft']);
    expect(await status('scheduled')).toEqual(['soon']);
    expect(await status('published')).toEqual(['live']);
  });

  it('lists drafts last for an admin and pages through them', async () => {
    await create({ main_title: 'Draft One' });
    await create({ main_title: 'Draft Two' });
    await published(ago(1), { main_title: 'Live' });
    const headers = await adminHeader();

    const first = await invoke('listArticles', { query: 'limit=2', headers });
    const second = await invoke('listArticles', {
      query: `limit=2&cursor=${first.body.meta.next_cursor}`,
      headers,
    });

    expect(first.body.data.map((a: { slug: string }) => a.slug)).toEqual([
      'live',
      'draft-two',
    ]);
    expect(second.body.data.map((a: { slug: string }) => a.slug)).toEqual([
      'draft-one',
    ]);
  });

  it('refuses status=draft to a public reader', async () => {
    const reply = await invoke('listArticles', { query: 'status=draft' });

    expect(reply.status).toBe(401);
  });
});

describe('GET /categories', () => {
  it('counts categories of visible articles, most used first', async () => {
    await published(ago(1), { main_title: 'A', category: ['web', 'css'] });
    await published(ago(2), { main_title: 'B', category: ['web'] });
    await published(ago(3), { main_title: 'C', category: ['api'] });
    await create({ main_title: 'Draft', category: ['secret', 'web'] });
    await published(ahead(1), { main_title: 'Soon', category: ['future'] });

    const reply = await invoke('listCategories');

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      data: [
        { name: 'web', count: 2 },
        { name: 'api', count: 1 },
        { name: 'css', count: 1 },
      ],
    });
  });

  it('answers 304 when nothing changed', async () => {
    await published(ago(1), { main_title: 'A', category: ['web'] });
    const first = await invoke('listCategories');

    const second = await invoke('listCategories', {
      headers: { 'if-none-match': first.headers.etag ?? '' },
    });

    expect(second.status).toBe(304);
  });
});

describe('admin-only routes', () => {
  it('refuse a caller the authorizer did not clear', async () => {
    const reply = await invoke('deleteArticle', { params: { slug: 'x' } });

    expect(reply.status).toBe(401);
  });

  it('accept a cleared caller', async () => {
    await create({ main_title: 'X' });

    const reply = await invoke('deleteArticle', {
      params: { slug: 'x' },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(204);
  });
});
