import { getDb } from '../../src/core/db';
import { ADMIN, invoke } from './invoke';

/** A valid create body, with overrides. */
export function draft(overrides: Record<string, unknown> = {}) {
  return {
    main_title: 'A Test Article',
    summary: 'What this article is about.',
    content: 'Some words to read.',
    ...overrides,
  };
}

/** Creates an article through the handler, as an admin, and returns it. */
export async function create(overrides: Record<string, unknown> = {}) {
  const reply = await invoke('createArticle', {
    body: draft(overrides),
    authorizer: ADMIN,
  });

  if (reply.status !== 201) {
    throw new Error(`create failed: ${reply.status} ${reply.raw.body}`);
  }

  return reply.body;
}

/** Creates a published article with a given publication time. */
export function published(
  at: Date | string,
  overrides: Record<string, unknown> = {}
) {
  return create({
    published: true,
    published_at: typeof at === 'string' ? at : at.toISOString(),
    ...overrides,
  });
}

/** Empties the collections a test file uses. */
export async function clearDatabase(): Promise<void> {
  const db = await getDb();
  await Promise.all([
    db.collection('articles').deleteMany({}),
    db.collection('api_keys').deleteMany({}),
  ]);
}

/** The stored article count, read straight from the database. */
export async function countArticles(): Promise<number> {
  return (await getDb()).collection('articles').countDocuments();
}
