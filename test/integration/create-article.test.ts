import { closeDb, getDb } from '../../src/core/db';
import { MAX_BODY_BYTES } from '../../src/core/http';
import {
  clearDatabase,
  countArticles,
  create,
  draft,
} from '../support/articles';
import { ADMIN, invoke } from '../support/invoke';

beforeEach(clearDatabase);
afterAll(closeDb);

describe('POST /articles', () => {
  it('stores the article and answers 201 with its location', async () => {
    const reply = await invoke('createArticle', {
      body: draft({
        main_title: 'Crème Brûlée, Explained',
        content: 'word '.repeat(500),
        category: ['food'],
      }),
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(201);
    expect(reply.headers.location).toBe('/articles/creme-brulee-explained');
    expect(reply.headers.etag).toBe(`"${reply.body.id}.1"`);
    expect(reply.headers['content-type']).toBe(
      'application/json; charset=utf-8'
    );
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      slug: 'creme-brulee-explained',
      main_title: 'Crème Brûlée, Explained',
      meta_title: null,
      meta_description: null,
      summary: 'What this article is about.',
      content: 'word '.repeat(500),
      featured: false,
      category: ['food'],
      keywords: [],
      image: null,
      author: 'Editorial Team',
      est_read_time: 3,
      published: false,
      published_at: null,
      status: 'draft',
      created_at: expect.any(String),
      updated_at: reply.body.created_at,
      version: 1,
    });
  });

  it('stores exactly what it returns', async () => {
    const created = await create({ keywords: ['k'] });

    const stored = await (await getDb())
      .collection('articles')
      .findOne({ slug: created.slug });

    expect(stored?._id.toHexString()).toBe(created.id);
    expect(stored?.created_at).toEqual(new Date(created.created_at));
    expect(stored?.version).toBe(1);
    expect(stored?.keywords).toEqual(['k']);
  });

  it('publishes at once when asked', async () => {
    const created = await create({ published: true });

    expect(created.status).toBe('published');
    expect(created.published_at).toBe(created.created_at);
  });

  it('keeps a slug the client chose', async () => {
    const created = await create({ slug: 'my-own-slug' });

    expect(created.slug).toBe('my-own-slug');
  });

  it('answers 409 when a chosen slug is taken', async () => {
    await create({ slug: 'taken' });

    const reply = await invoke('createArticle', {
      body: draft({ slug: 'taken' }),
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ status: 409, code: 'slug_taken' });
    expect(await countArticles()).toBe(1);
  });

  it('suffixes a derived slug that is taken', async () => {
    const first = await create({ main_title: 'Same Title' });
    const second = await create({ main_title: 'Same Title' });
    const third = await create({ main_title: 'Same Title' });

    expect([first.slug, second.slug, third.slug]).toEqual([
      'same-title',
      'same-title-2',
      'same-title-3',
    ]);
  });

  it('answers 400 naming a field of the wrong type', async () => {
    const reply = await invoke('createArticle', {
      body: draft({ featured: 'yes' }),
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toEqual({
      type: '/docs#problem-validation_failed',
      title: 'Invalid request',
      status: 400,
      detail: 'featured: must be a boolean',
      code: 'validation_failed',
      instance: '/articles',
      request_id: expect.any(String),
      errors: [
        { path: 'featured', rule: 'type', message: 'must be a boolean' },
      ],
    });
    expect(await countArticles()).toBe(0);
  });

  it('answers 400 naming a missing field', async () => {
    const { summary: _summary, ...body } = draft();

    const reply = await invoke('createArticle', { body, authorizer: ADMIN });

    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      { path: 'summary', rule: 'required', message: 'is required' },
    ]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const reply = await invoke('createArticle', {
      rawBody: '{"main_title": ',
      headers: { 'content-type': 'application/json' },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('malformed_json');
  });

  it('answers 415 for another content type', async () => {
    const reply = await invoke('createArticle', {
      rawBody: 'main_title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(415);
    expect(reply.body.code).toBe('unsupported_media_type');
  });

  it('answers 413 for a body over the limit', async () => {
    const reply = await invoke('createArticle', {
      body: draft({ content: 'x'.repeat(MAX_BODY_BYTES) }),
      authorizer: ADMIN,
    });

    expect(reply.status).toBe(413);
    expect(await countArticles()).toBe(0);
  });

  it('answers 401 without an admin verdict', async () => {
    const reply = await invoke('createArticle', { body: draft() });

    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toContain('Bearer');
    expect(await countArticles()).toBe(0);
  });

  it('answers 401 when the authorizer refused the key', async () => {
    const reply = await invoke('createArticle', {
      body: draft(),
      authorizer: {
        admin: false,
        reason: 'The API key is unknown or revoked.',
      },
    });

    expect(reply.status).toBe(401);
    expect(reply.body.detail).toBe('The API key is unknown or revoked.');
  });
});
