import { createServer, type ServerResponse } from 'node:http';
import { type Collection, MongoClient } from 'mongodb';
import { LAMBDA_CLIENT_OPTIONS } from '../src/core/db';
import type { ArticleDocument } from '../src/models/article';
import { visibleAt } from '../src/models/article-store';

/** A running bare server. */
export interface BareServer {
  url: string;
  close(): Promise<void>;
}

const PAGE = 15;

/**
 * The throughput baseline: a plain Node `http` server that answers GET
 * /articles and GET /articles/{slug} with the same queries the API sends,
 * straight through the driver, and nothing else (no validation, no schema
 * parsing, no middleware, no event building).
 */
export async function startBareServer(
  uri: string,
  database: string,
  maxPoolSize: number
): Promise<BareServer> {
  const client = new MongoClient(uri, {
    ...LAMBDA_CLIENT_OPTIONS,
    maxPoolSize,
  });

  await client.connect();

  const articles = client.db(database).collection<ArticleDocument>('articles');
  const routes = bareRoutes(articles);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const slug = /^\/articles\/([^/]+)$/.exec(path)?.[1];
    const answer =
      req.method !== 'GET'
        ? Promise.resolve(send(res, 405, { message: 'Method Not Allowed' }))
        : path === '/articles'
          ? routes.list(res)
          : slug
            ? routes.one(res, decodeURIComponent(slug))
            : Promise.resolve(send(res, 404, { message: 'Not Found' }));

    answer.catch(() => send(res, 500, { message: 'Internal Server Error' }));
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await client.close();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));

  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(payload.length),
  });
  res.end(payload);
}

/** The two reads, as the API sends them, with the driver alone. */
function bareRoutes(articles: Collection<ArticleDocument>) {
  return {
    async list(res: ServerResponse): Promise<void> {
      const docs = await articles
        .find(visibleAt(new Date()), { projection: { content: 0 } })
        .sort({ published_at: -1, _id: -1 })
        .limit(PAGE + 1)
        .toArray();
      const last = docs[PAGE - 1];
      const cursor =
        docs.length > PAGE && last
          ? Buffer.from(
              JSON.stringify([
                last.published_at?.getTime() ?? null,
                last._id.toHexString(),
              ])
            ).toString('base64url')
          : null;

      send(res, 200, {
        data: docs.slice(0, PAGE),
        meta: { limit: PAGE, next_cursor: cursor },
      });
    },

    async one(res: ServerResponse, slug: string): Promise<void> {
      const doc = await articles.findOne({ slug, ...visibleAt(new Date()) });

      send(res, doc ? 200 : 404, doc ?? { message: 'Not Found' });
    },
  };
}
