import { operation } from '../src/core/http';
import { verifyApiKey } from '../src/models/api-key';
import { listCategories } from '../src/models/article-store';

/** GET /categories: categories of visible articles with their counts. */
export const handler = operation(
  'listCategories',
  async (request) => {
    const data = await listCategories({ admin: request.admin !== undefined });

    return { status: 200, body: { data } };
  },
  { verifyKey: verifyApiKey }
);
