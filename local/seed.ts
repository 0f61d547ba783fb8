import { collection } from '../src/core/db';
import { ArticleCreate } from '../src/models/article';
import { ARTICLES, createArticle } from '../src/models/article-store';

const DAY_MS = 86_400_000;

const paragraph = (topic: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `Part ${i + 1} on ${topic}: each section adds a few concrete steps, a short example and the trade-off it makes, so that a reader can try it the same evening.`
  ).join('\n\n');

const SAMPLES = [
  {
    main_title: 'Choosing a Database for a Small Web App',
    summary:
      'Relational or document store? A walk through the questions that decide it for a one-person project.',
    category: ['databases', 'architecture'],
    keywords: ['mongodb', 'postgresql'],
    featured: true,
    content: paragraph('choosing a database', 12),
  },
  {
    main_title: 'Modelling Articles with Layered Schemas',
    summary:
      'One base schema, then create, update, stored and public views: how layering keeps rules in one place.',
    category: ['databases', 'python'],
    keywords: ['schemas', 'validation'],
    content: paragraph('layered schemas', 9),
  },
  {
    main_title: 'Atlas Free Tier: What You Get',
    summary:
      'The free cluster is enough to launch a blog. Here is what fits in it and what to watch.',
    category: ['databases', 'cloud'],
    keywords: ['atlas'],
    content: paragraph('the Atlas free tier', 6),
  },
  {
    main_title: 'Slugs That Never Break Links',
    summary:
      'Derive the slug once from the title, refuse to change it later, and suffix it when it clashes.',
    category: ['web'],
    keywords: ['urls', 'seo'],
    featured: true,
    content: paragraph('stable slugs', 5),
  },
  {
    main_title: 'Cold Starts, Measured',
    summary:
      'What a Lambda function does before its first request, and which of it you can move or remove.',
    category: ['cloud', 'performance'],
    keywords: ['lambda', 'latency'],
    content: paragraph('cold starts', 10),
  },
  {
    main_title: 'Crème Brûlée and Other Accents in URLs',
    summary:
      'Folding accents to ASCII keeps slugs readable in every browser and log file.',
    category: ['web'],
    keywords: ['unicode'],
    content: paragraph('accents in URLs', 3),
  },
];

/**
 * Adds a handful of published sample articles when the database has no
 * articles yet; returns how many it added.
 */
export async function seedIfEmpty(now = new Date()): Promise<number> {
  const articles = await collection(ARTICLES);

  if ((await articles.estimatedDocumentCount()) > 0) {
    return 0;
  }

  let added = 0;

  for (const [i, sample] of SAMPLES.entries()) {
    const publishedAt = new Date(now.getTime() - (SAMPLES.length - i) * DAY_MS);
    const input = ArticleCreate.parse({
      ...sample,
      published: true,
      published_at: publishedAt.toISOString(),
    });
    await createArticle(input, publishedAt);
    added++;
  }

  return added;
}
