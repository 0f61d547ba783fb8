import { operation } from '../src/core/http';
import { etagOf, toView } from '../src/models/article';
import { parseIfMatch, publishArticle } from '../src/models/article-store';

/** POST /articles/{slug}/publish: publishes now or at `published_at`. */
export const handler = operation('publishArticle', async (request) => {
  const at = request.body.published_at;
  const { doc } = await publishArticle(
    request.params.slug,
    at ? new Date(at) : undefined,
    parseIfMatch(request.headers['if-match'])
  );

  return { status: 200, body: toView(doc), etag: etagOf(doc) };
});
