import { operation } from '../src/core/http';
import { etagOf, toView } from '../src/models/article';
import { parseIfMatch, unpublishArticle } from '../src/models/article-store';

/** POST /articles/{slug}/unpublish: returns the article to draft. */
export const handler = operation('unpublishArticle', async (request) => {
  const { doc } = await unpublishArticle(
    request.params.slug,
    parseIfMatch(request.headers['if-match'])
  );

  return { status: 200, body: toView(doc), etag: etagOf(doc) };
});
