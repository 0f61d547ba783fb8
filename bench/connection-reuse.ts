import type { Log, MongoClient, MongoDBLogWritable } from 'mongodb';
import {
  ensureIndexes,
  getClient,
  LAMBDA_CLIENT_OPTIONS,
} from '../src/core/db';
import type { ArticleDocument } from '../src/models/article';
import { ARTICLES } from '../src/models/article-store';
import { makeArticles } from './articles';
import { count, ms, ratio, table } from './format';
import {
  type Handler,
  leaveDatabase,
  loadHandler,
  requestFor,
  useDatabase,
  withDirectDb,
} from './lambda';
import { msSince, type Summary, summarize } from './stats';
import type { BenchContext, BenchReport } from './types';

const INVOCATIONS = 1_000;
const TIME_BUDGET_MS = 90_000;
const DATABASE = 'bench_connection_reuse';

/** What the driver's connection log reported over the run. */
export interface PoolCounts {
  poolsCreated: number;
  connectionsCreated: number;
  connectionsClosed: number;
  /** The most connections open at one time. */
  maxOpen: number;
  checkouts: number;
}

export interface ConnectionReuseResult extends BenchReport {
  invocations: number;
  /** Distinct objects getClient() returned after each invocation. */
  distinctClients: number;
  pool: PoolCounts;
  firstMs: number;
  warm: Summary;
}

/**
 * Sends sequential requests through the wrapped getArticle handler from a
 * cold client on, and counts the clients and connections the driver made.
 */
export async function connectionReuse(
  ctx: Pick<BenchContext, 'log'>
): Promise<ConnectionReuseResult> {
  const pool: PoolCounts = {
    poolsCreated: 0,
    connectionsCreated: 0,
    connectionsClosed: 0,
    maxOpen: 0,
    checkouts: 0,
  };
  // The driver's structured log sees the client from its first moment,
  // which listeners attached after the first request could not.
  const sink: MongoDBLogWritable = {
    write: (entry: Log) => tally(pool, entry),
  };

  await useDatabase(DATABASE, {
    mongodbLogPath: sink,
    mongodbLogComponentSeverities: { connection: 'debug' },
  });

  try {
    return await measure(ctx, pool);
  } finally {
    await leaveDatabase();
  }
}

function tally(pool: PoolCounts, entry: Log): void {
  switch (entry.message) {
    case 'Connection pool created':
      pool.poolsCreated++;
      break;
    case 'Connection created':
      pool.connectionsCreated++;
      pool.maxOpen = Math.max(
        pool.maxOpen,
        pool.connectionsCreated - pool.connectionsClosed
      );
      break;
    case 'Connection closed':
      pool.connectionsClosed++;
      break;
    case 'Connection checked out':
      pool.checkouts++;
      break;
  }
}

async function measure(
  ctx: Pick<BenchContext, 'log'>,
  pool: PoolCounts
): Promise<ConnectionReuseResult> {
  const [doc] = makeArticles(1, { newest: new Date(), stepMs: 1 });
  const slug = (doc as ArticleDocument).slug;

  // A deployed stack already has its indexes: the cold container only
  // lists them. Seeding goes through a client of its own.
  await withDirectDb(DATABASE, async (db) => {
    const coll = db.collection<ArticleDocument>('articles');
    await coll.insertOne(doc as ArticleDocument);
    await ensureIndexes(coll, ARTICLES);
  });

  const handler = await loadHandler('getArticle');
  const clients = new Set<MongoClient>();
  const warmMs: number[] = [];
  const firstMs = await once(handler, slug);
  const started = process.hrtime.bigint();

  clients.add(await getClient());

  for (let i = 1; i < INVOCATIONS; i++) {
    if (msSince(started) > TIME_BUDGET_MS) {
      ctx.log(`  time budget reached after ${i} invocations`);
      break;
    }

    warmMs.push(await once(handler, slug));
    clients.add(await getClient());
  }

  const invocations = warmMs.length + 1;
  const warm = summarize(warmMs);
  const maxPool = LAMBDA_CLIENT_OPTIONS.maxPoolSize;
  const oneClient = clients.size === 1 && pool.poolsCreated === 1;
  const withinPool =
    pool.connectionsCreated <= maxPool && pool.maxOpen <= maxPool;

  return {
    name: 'connection-reuse',
    title: 'Connection reuse across invocations of one container',
    figures: [
      {
        name: `4. Clients created over ${count(invocations)} invocations`,
        measurement: `${clients.size} client (getClient() identity), ${pool.poolsCreated} pool`,
        baseline: `${count(invocations)} sequential invocations`,
        ratio: `${clients.size} per ${count(invocations)}`,
        goal: '1 client',
        met: oneClient,
        ...(oneClient
          ? {}
          : {
              why: `getClient() returned ${clients.size} distinct clients and the driver created ${pool.poolsCreated} pools: the cached connection was dropped between invocations.`,
            }),
      },
      {
        name: `4. Connections created over ${count(invocations)} invocations`,
        measurement: `${pool.connectionsCreated} created, ${pool.connectionsClosed} closed, at most ${pool.maxOpen} open`,
        baseline: `maxPoolSize ${maxPool}`,
        ratio: ratio(pool.connectionsCreated / maxPool),
        goal: `≤ maxPoolSize (${maxPool})`,
        met: withinPool,
        ...(withinPool
          ? {}
          : {
              why: `The pool opened ${pool.connectionsCreated} connections for sequential requests; connections are being dropped and reopened (closed: ${pool.connectionsClosed}).`,
            }),
      },
      {
        name: '4. First invocation (cold client) vs warm median',
        measurement: `first ${ms(firstMs)}`,
        baseline: `warm p50 ${ms(warm.p50)} (p99 ${ms(warm.p99)})`,
        ratio: ratio(firstMs / warm.p50),
        goal: 'no goal; reported',
      },
    ],
    details: [
      `${count(invocations)} sequential calls of the wrapped getArticle`,
      'handler in one process, each with a fresh API Gateway v2 event, on',
      'a client created by the first call (the Lambda options of',
      '`src/core/db.ts`). The indexes exist beforehand, as on a deployed',
      'stack, so the first call connects and lists them. Clients are',
      'counted by the identity of `getClient()` after every call and by',
      "the driver's `Connection pool created` log; connections by its CMAP",
      'log (`connectionCreated`, `connectionClosed`), which sees the very',
      'first connection too.',
      '',
      ...table(
        ['count', 'value'],
        [
          ['invocations', count(invocations)],
          ['distinct getClient() results', String(clients.size)],
          ['pools created', String(pool.poolsCreated)],
          ['connections created', String(pool.connectionsCreated)],
          ['connections closed', String(pool.connectionsClosed)],
          ['most open at once', String(pool.maxOpen)],
          ['connection checkouts', count(pool.checkouts)],
          ['first invocation', ms(firstMs)],
          [
            'warm p50 / p90 / p99',
            `${ms(warm.p50)} / ${ms(warm.p90)} / ${ms(warm.p99)}`,
          ],
        ]
      ),
    ],
    invocations,
    distinctClients: clients.size,
    pool,
    firstMs,
    warm,
  };
}

async function once(handler: Handler, slug: string): Promise<number> {
  const { event, context } = requestFor('getArticle', { params: { slug } });
  const start = process.hrtime.bigint();
  const result = await handler(event, context);
  const took = msSince(start);

  if (result.statusCode !== 200) {
    throw new Error(`getArticle answered ${result.statusCode}: ${result.body}`);
  }

  return took;
}
