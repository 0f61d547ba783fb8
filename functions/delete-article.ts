import { operation } from '../src/core/http';
import { deleteArticle, parseIfMatch } from '../src/models/article-store';

/** DELETE /articles/{slug}: removes the article, honouring If-Match. */
export const handler = operation('deleteArticle', async (request) => {
  await deleteArticle(
    request.params.slug,
    parseIfMatch(request.headers['if-match'])
  );

  return { status: 204 };
});
