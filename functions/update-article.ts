import { operation } from '../src/core/http';
import { etagOf, toView } from '../src/models/article';
import { parseIfMatch, updateArticle } from '../src/models/article-store';

/** PATCH /articles/{slug}: changes the fields sent, honouring If-Match. */
export const handler = operation('updateArticle', async (request) => {
  const { doc } = await updateArticle(
    request.params.slug,
    request.body,
    parseIfMatch(request.headers['if-match'])
  );

  return { status: 200, body: toView(doc), etag: etagOf(doc) };
});
