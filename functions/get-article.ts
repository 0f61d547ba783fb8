import { NotFoundError } from '../src/core/errors';
import { operation } from '../src/core/http';
import { verifyApiKey } from '../src/models/api-key';
import { etagOf, toView } from '../src/models/article';
import { findArticle } from '../src/models/article-store';

/** GET /articles/{slug}: one article; drafts only for admins. */
export const handler = operation(
  'getArticle',
  async (request) => {
    const access = { admin: request.admin !== undefined };
    const doc = await findArticle(request.params.slug, access);

    if (!doc) {
      throw new NotFoundError(
        `No article is published at "${request.params.slug}".`
      );
    }

    return { status: 200, body: toView(doc), etag: etagOf(doc) };
  },
  { verifyKey: verifyApiKey }
);
