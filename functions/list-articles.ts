import { UnauthorizedError } from '../src/core/errors';
import { operation } from '../src/core/http';
import { verifyApiKey } from '../src/models/api-key';
import { toView } from '../src/models/article';
import { listArticles } from '../src/models/article-store';

/** GET /articles: a page of articles, newest first. */
export const handler = operation(
  'listArticles',
  async (request) => {
    const admin = request.admin !== undefined;
    const { status } = request.query;

    if (!admin && status !== undefined && status !== 'published') {
      throw new UnauthorizedError(`status=${status} needs an admin API key.`);
    }

    const page = await listArticles(request.query, { admin });
    const now = new Date();

    return {
      status: 200,
      body: {
        data: page.items.map((doc) => {
          const { content: _content, ...summary } = toView(doc, now);
          return summary;
        }),
        meta: {
          limit: page.limit,
          next_cursor: page.nextCursor,
          ...(page.total === undefined ? {} : { total: page.total }),
        },
      },
    };
  },
  { verifyKey: verifyApiKey }
);
