import { operation } from '../src/core/http';
import { etagOf, toView } from '../src/models/article';
import { createArticle } from '../src/models/article-store';

/** POST /articles: stores a new article and points to it. */
export const handler = operation('createArticle', async (request) => {
  const doc = await createArticle(request.body);

  return {
    status: 201,
    body: toView(doc),
    etag: etagOf(doc),
    headers: { location: `/articles/${doc.slug}` },
  };
});
