import { closeDb, getDb } from '../../src/core/db';
import {
  clearDatabase,
  countArticles,
  create,
  published,
} from '../support/articles';
import { ADMIN, invoke } from '../support/invoke';

const HOUR_MS = 3_600_000;

beforeEach(clearDatabase);
afterAll(closeDb);

const stored = async (slug: string) =>
  (await getDb()).collection('articles').findOne({ slug });

describe('PATCH /articles/{slug}', () => {
  it('changes the fields sent and moves version and updated_at', async () => {
    const before = await create({ main_title: 'Edit Me' });

    const reply = await invoke('updateArticle', {
      params: { slug: 'edit-me' },
      body: { main_title: 'Edited', content: 'word '.repeat(700) },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      slug: 'edit-me',
      main_title: 'Edited',
      est_read_time: 4,
      version: 2,
      created_at: before.created_at,
    });
    expect(reply.body.updated_at > before.updated_at).toBe(true);
    expect(reply.headers.etag).toBe(`"${before.id}.2"`);
  });

  it('leaves version and updated_at alone when nothing changes', async () => {
    const before = await create({ main_title: 'Same', featured: true });

    const reply = await invoke('updateArticle', {
      params: { slug: 'same' },
      body: { featured: true },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(200);
    expect(reply.body.version).toBe(1);
    expect(reply.body.updated_at).toBe(before.updated_at);
  });

  it('refuses to change the slug, naming the rule', async () => {
    await create({ main_title: 'Fixed' });

    const reply = await invoke('updateArticle', {
      params: { slug: 'fixed' },
      body: { slug: 'moved' },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      {
        path: 'slug',
        rule: 'read_only',
        message:
          'cannot change after creation: links to the article would break',
      },
    ]);
    expect(await stored('fixed')).not.toBeNull();
  });

  it('answers 404 for an unknown slug', async () => {
    const reply = await invoke('updateArticle', {
      params: { slug: 'ghost' },
      body: { featured: true },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(404);
  });

  it('answers 412 with the current ETag for a stale If-Match', async () => {
    const before = await create({ main_title: 'Guarded' });
    await invoke('updateArticle', {
      params: { slug: 'guarded' },
      body: { summary: 'First change' },
      authorizer: ADMIN,
    });

    const reply = await invoke('updateArticle', {
      params: { slug: 'guarded' },
      body: { summary: 'Lost update' },
      headers: { 'if-match': `"${before.id}.1"` },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(412);
    expect(reply.headers.etag).toBe(`"${before.id}.2"`);
    expect((await stored('guarded'))?.summary).toBe('First change');
  });

  it('lets one of two writers with the same If-Match win', async () => {
    const before = await create({ main_title: 'Raced' });
    const write = (summary: string) =>
      invoke('updateArticle', {
        params: { slug: 'raced' },
        body: { summary },
        headers: { 'if-match': `"${before.id}.1"` },
        authorizer: ADMIN,
      });

    const replies = await Promise.all([write('Writer A'), write('Writer B')]);

    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412]);
    const winner = replies.find((r) => r.status === 200);
    const doc = await stored('raced');
    expect(doc?.summary).toBe(winner?.body.summary);
    expect(doc?.version).toBe(2);
  });

  it('accepts If-Match: * for an existing article', async () => {
    await create({ main_title: 'Star' });

    const reply = await invoke('updateArticle', {
      params: { slug: 'star' },
      body: { featured: true },
      headers: { 'if-match': '*' },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(200);
  });

  it('keeps est_read_time when content is not sent', async () => {
    await create({ main_title: 'Long', content: 'word '.repeat(500) });

    const reply = await invoke('updateArticle', {
      params: { slug: 'long' },
      body: { summary: 'New summary' },
      authorizer: ADMIN,
    });

    expect(reply.body.est_read_time).toBe(3);
  });
});

describe('DELETE /articles/{slug}', () => {
  it('deletes and answers 204, then 404', async () => {
    await create({ main_title: 'Doomed' });

    const first = await invoke('deleteArticle', {
      params: { slug: 'doomed' },
      authorizer: ADMIN,
    });
    const second = await invoke('deleteArticle', {
      params: { slug: 'doomed' },
      authorizer: ADMIN,
    });

    expect(first.status).toBe(204);
    expect(first.raw.body).toBeUndefined();
    expect(second.status).toBe(404);
    expect(await countArticles()).toBe(0);
  });

  it('keeps the article when If-Match is stale', async () => {
    const article = await create({ main_title: 'Kept' });

    const reply = await invoke('deleteArticle', {
      params: { slug: 'kept' },
      headers: { 'if-match': `"${article.id}.7"` },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(412);
    expect(await countArticles()).toBe(1);
  });

  it('deletes when If-Match is current', async () => {
    const article = await create({ main_title: 'Gone' });

    const reply = await invoke('deleteArticle', {
      params: { slug: 'gone' },
      headers: { 'if-match': `"${article.id}.1"` },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(204);
  });
});

describe('POST /articles/{slug}/publish and /unpublish', () => {
  it('publishes now and makes the article public', async () => {
    await create({ main_title: 'Fresh' });

    const reply = await invoke('publishArticle', {
      params: { slug: 'fresh' },
      authorizer: ADMIN,
    });
    const read = await invoke('getArticle', { params: { slug: 'fresh' } });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'published',
      published: true,
      version: 2,
    });
    expect(read.status).toBe(200);
  });

  it('schedules with a future published_at and hides it until then', async () => {
    await create({ main_title: 'Planned' });
    const at = new Date(Date.now() + HOUR_MS).toISOString();

    const reply = await invoke('publishArticle', {
      params: { slug: 'planned' },
      body: { published_at: at },
      authorizer: ADMIN,
    });
    const read = await invoke('getArticle', { params: { slug: 'planned' } });
    const list = await invoke('listArticles');

    expect(reply.body).toMatchObject({ status: 'scheduled', published_at: at });
    expect(read.status).toBe(404);
    expect(list.body.data).toEqual([]);
  });

  it('shows a scheduled article once it is due, with no job to run', async () => {
    await published(new Date(Date.now() + 1500), { main_title: 'Soon' });

    const early = await invoke('getArticle', { params: { slug: 'soon' } });
    await new Promise((done) => setTimeout(done, 1600));
    const late = await invoke('getArticle', { params: { slug: 'soon' } });

    expect(early.status).toBe(404);
    expect(late.status).toBe(200);
  });

  it('leaves a live article untouched when published again', async () => {
    const live = await published(new Date(Date.now() - HOUR_MS), {
      main_title: 'Live',
    });

    const reply = await invoke('publishArticle', {
      params: { slug: 'live' },
      authorizer: ADMIN,
    });

    expect(reply.body.version).toBe(1);
    expect(reply.body.published_at).toBe(live.published_at);
  });

  it('returns an article to draft', async () => {
    await published(new Date(Date.now() - HOUR_MS), { main_title: 'Retract' });

    const reply = await invoke('unpublishArticle', {
      params: { slug: 'retract' },
      authorizer: ADMIN,
    });
    const read = await invoke('getArticle', { params: { slug: 'retract' } });

    expect(reply.body).toMatchObject({
      status: 'draft',
      published_at: null,
      version: 2,
    });
    expect(read.status).toBe(404);
  });

  it('honours If-Match when publishing', async () => {
    const article = await create({ main_title: 'Checked' });

    const reply = await invoke('publishArticle', {
      params: { slug: 'checked' },
      headers: { 'if-match': `"${article.id}.3"` },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(412);
    expect((await stored('checked'))?.published).toBe(false);
  });

  it('refuses a published_at that is not a date-time', async () => {
    await create({ main_title: 'Bad Date' });

    const reply = await invoke('publishArticle', {
      params: { slug: 'bad-date' },
      body: { published_at: 'tomorrow' },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(400);
    expect(reply.body.errors[0]).toMatchObject({
      path: 'published_at',
      rule: 'format',
    });
  });
});

describe('slugs under contention', () => {
  it('gives 50 concurrent creates with one title 50 distinct slugs', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        invoke('createArticle', {
          body: { main_title: 'Breaking News', summary: 's' },
          authorizer: ADMIN,
        })
      )
    );

    const slugs = replies.map((r) => r.body.slug);
    expect(replies.every((r) => r.status === 201)).toBe(true);
    expect(new Set(slugs).size).toBe(50);
    expect(slugs).toContain('breaking-news');
    expect(slugs).toContain('breaking-news-50');
    expect(await countArticles()).toBe(50);
  });
});
