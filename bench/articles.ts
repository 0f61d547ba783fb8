import { type Collection, ObjectId } from 'mongodb';
import type { ArticleDocument } from '../src/models/article';

const WORDS = [
  'schema',
  'index',
  'cursor',
  'lambda',
  'gateway',
  'deploy',
  'query',
  'latency',
];

/** Some words of content, about `count` long. */
function words(count: number, seed: number): string {
  return Array.from(
    { length: count },
    (_, i) => WORDS[(seed + i) % WORDS.length]
  ).join(' ');
}

/**
 * Published articles shaped like stored ArticleDocuments, newest first:
 * the i-th is published `stepMs` before the one before it, so every
 * `published_at` is distinct and the list order is known in advance.
 */
export function makeArticles(
  count: number,
  options: {
    newest: Date;
    stepMs: number;
    offset?: number;
    contentWords?: number;
  }
): ArticleDocument[] {
  const offset = options.offset ?? 0;

  return Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    const at = new Date(options.newest.getTime() - i * options.stepMs);

    return {
      _id: new ObjectId(),
      slug: `bench-article-${i + 1}`,
      main_title: `Bench article ${i + 1}`,
      meta_title: null,
      meta_description: null,
      summary: `What article ${i + 1} is about, in a sentence.`,
      featured: i % 10 === 0,
      content: words(options.contentWords ?? 120, i),
      category: [`topic-${i % 7}`],
      keywords: ['bench'],
      image: null,
      author: 'Editorial Team',
      est_read_time: 1,
      published: true,
      published_at: at,
      created_at: at,
      updated_at: at,
      version: 1,
    };
  });
}

/**
 * Inserts articles in batches straight through the driver, stopping early
 * when the time budget runs out. Returns how many went in.
 */
export async function insertArticles(
  coll: Collection<ArticleDocument>,
  docs: ArticleDocument[],
  options: { batch: number; budgetMs: number }
): Promise<number> {
  const started = Date.now();
  let inserted = 0;

  for (let at = 0; at < docs.length; at += options.batch) {
    if (Date.now() - started > options.budgetMs) {
      break;
    }

    const result = await coll.insertMany(docs.slice(at, at + options.batch), {
      ordered: false,
    });
    inserted += result.insertedCount;
  }

  return inserted;
}
