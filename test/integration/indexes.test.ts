import type { Document } from 'mongodb';
import { closeDb, getDb } from '../../src/core/db';
import type { ArticleDocument } from '../../src/models/article';
import { ARTICLES, visibleAt } from '../../src/models/article-store';
import { clearDatabase, published } from '../support/articles';

beforeAll(async () => {
  await clearDatabase();
  for (let i = 0; i < 5; i++) {
    await published(new Date(Date.now() - (i + 1) * 60_000), {
      main_title: `Indexed ${i}`,
    });
  }
});

afterAll(closeDb);

const articles = async () =>
  (await getDb()).collection<ArticleDocument>(ARTICLES.name);

/** Every stage of a MongoDB query plan, depth first. */
function stages(plan: Document | undefined): Document[] {
  if (!plan) {
    return [];
  }

  const children = [plan.inputStage, ...(plan.inputStages ?? [])];

  return [plan, ...children.flatMap((child) => stages(child))];
}

describe('the public list order', () => {
  it('has an index with its equality field first, then the sort keys', async () => {
    const indexes = await (await articles()).listIndexes().toArray();

    expect(indexes).toContainEqual(
      expect.objectContaining({
        name: 'public_list',
        key: { published: 1, published_at: -1, _id: -1 },
      })
    );
    expect(indexes).toContainEqual(
      expect.objectContaining({
        name: 'slug_unique',
        key: { slug: 1 },
        unique: true,
      })
    );
  });

  it('is read from that index where the server reports plans', async () => {
    const explain = await (await articles())
      .find(visibleAt(new Date()))
      .sort({ published_at: -1, _id: -1 })
      .limit(16)
      .explain('queryPlanner');
    const winning = explain.queryPlanner?.winningPlan;

    if (!winning) {
      // FerretDB 1.x answers explain with its SQL plan and reports that it
      // does not push sorts down; it has no MongoDB plan to inspect.
      expect(explain).toHaveProperty('sortPushdown', false);
      return;
    }

    const plan = stages(winning.queryPlan ?? winning);
    expect(plan.map((stage) => stage.stage)).not.toContain('SORT');
    expect(plan).toContainEqual(
      expect.objectContaining({ stage: 'IXSCAN', indexName: 'public_list' })
    );
  });
});
