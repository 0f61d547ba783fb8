import { type CommandStartedEvent, type Document, Long } from 'mongodb';
import * as z from 'zod';
import { ensureIndexes, getClient, getDb } from '../src/core/db';
import type { ArticleDocument } from '../src/models/article';
import { DEFAULT_LIMIT, encodeCursor } from '../src/models/article-query';
import { ARTICLES, visibleAt } from '../src/models/article-store';
import { insertArticles, makeArticles } from './articles';
import { count, ms, ratio, table } from './format';
import {
  type Handler,
  invoke,
  leaveDatabase,
  loadHandler,
  requestFor,
  useDatabase,
  withDirectDb,
} from './lambda';
import { msSince, type Summary, summarize } from './stats';
import type { BenchContext, BenchReport, Figure } from './types';

/** The goal: the keyset page at depth at most this times page 1. */
export const MAX_DEPTH_RATIO = 1.5;

const ARTICLE_COUNT = 50_000;
const BATCH = 1_000;
const DEPTH = 1_000;
const DATABASE = 'bench_pagination';
const INSERT_BUDGET_MS = 150_000;
const WALK_BUDGET_MS = 25_000;
const TIMING_ROUNDS = 15;
const MIN_ROUNDS = 3;
const TIMING_BUDGET_MS = 40_000;
const HEARTBEAT_TIMEOUT_MS = 60_000;

const Page = z.object({
  data: z.array(z.object({ id: z.string(), slug: z.string() })),
  meta: z.object({ next_cursor: z.string().nullable() }),
});

/** How the server says it runs the page query. */
export interface PlanSummary {
  /** Whether an index serves the query; undefined when the server won't say. */
  indexUsed: boolean | undefined;
  text: string;
}

export interface PaginationResult extends BenchReport {
  inserted: number;
  insertMs: number;
  indexMs: number;
  /** How deep following next_cursor got within its time budget. */
  walkedPages: number;
  walkMs: number;
  cursorSource: 'walked' | 'derived';
  keyset: { page1: Summary; deep: Summary; ratio: number };
  skip: { page1: Summary; deep: Summary; ratio: number };
  plan: PlanSummary;
  skipPlan: PlanSummary;
}

/**
 * Fills a database with published articles and times the listArticles
 * handler's keyset page at depth against its first page, with skip-based
 * paging through the driver beside it for contrast.
 */
export async function pagination(
  ctx: Pick<BenchContext, 'log'>
): Promise<PaginationResult> {
  // Each page here is a multi-second full scan; with FerretDB busy on both
  // cores its answer to the driver's heartbeat can come later than the
  // Lambda 3 s connectTimeoutMS, which would mark the server down and fail
  // the page with a 503. A real mongod serves these pages from an index.
  await useDatabase(DATABASE, {
    monitorCommands: true,
    connectTimeoutMS: HEARTBEAT_TIMEOUT_MS,
  });

  try {
    return await measure(ctx);
  } finally {
    await leaveDatabase();
  }
}

async function measure(
  ctx: Pick<BenchContext, 'log'>
): Promise<PaginationResult> {
  // One minute apart and all in the past, so every article is visible and
  // the list order is the order generated.
  const docs = makeArticles(ARTICLE_COUNT, {
    newest: new Date(Date.now() - 60_000),
    stepMs: 60_000,
    contentWords: 30,
  });
  const insertStart = process.hrtime.bigint();
  const inserted = await withDirectDb(DATABASE, (db) =>
    insertArticles(db.collection<ArticleDocument>('articles'), docs, {
      batch: BATCH,
      budgetMs: INSERT_BUDGET_MS,
    })
  );
  const insertMs = msSince(insertStart);

  ctx.log(`  inserted ${count(inserted)} articles in ${ms(insertMs)}`);

  if (inserted < DEPTH * DEFAULT_LIMIT) {
    throw new Error(
      `only ${inserted} articles went in within ${INSERT_BUDGET_MS / 1000} s; page ${DEPTH} needs ${DEPTH * DEFAULT_LIMIT}`
    );
  }

  const indexStart = process.hrtime.bigint();
  await withDirectDb(DATABASE, (db) =>
    ensureIndexes(db.collection<ArticleDocument>('articles'), ARTICLES)
  );
  const indexMs = msSince(indexStart);
  const handler = await loadHandler('listArticles');
  const walk = await walkTo(handler, DEPTH, ctx);

  ctx.log(`  followed next_cursor to page ${walk.pages} in ${ms(walk.ms)}`);

  const deepCursor = walk.cursor ?? derivedCursor(docs, walk);
  const cursorSource = walk.cursor ? 'walked' : 'derived';
  const expectedFirst = docs[(DEPTH - 1) * DEFAULT_LIMIT]?.slug;
  const { result: deepPage, command: captured } = await captureFind(() =>
    pageOf(handler, deepCursor)
  );

  if (deepPage.data[0]?.slug !== expectedFirst) {
    throw new Error(
      `page ${DEPTH} starts at ${deepPage.data[0]?.slug}, not ${expectedFirst}`
    );
  }

  const keyset = await alternate(
    [() => timedPage(handler, undefined), () => timedPage(handler, deepCursor)],
    ctx
  );
  const coll = (await getDb()).collection<ArticleDocument>('articles');
  const skipQuery = (skip: number) =>
    coll
      .find(visibleAt(new Date()), { projection: { content: 0 } })
      .sort({ published_at: -1, _id: -1 })
      .skip(skip)
      .limit(DEFAULT_LIMIT);
  const skipped = await alternate(
    [
      () => timedDriver(() => skipQuery(0).toArray()),
      () => timedDriver(() => skipQuery(DEFAULT_LIMIT * (DEPTH - 1)).toArray()),
    ],
    ctx
  );
  const db = await getDb();
  const plan = describePlan(
    await db.command({ explain: captured, verbosity: 'queryPlanner' })
  );
  // Sent as a command so that skip goes as a 64-bit integer: FerretDB's
  // explain refuses the 32-bit one the cursor API sends.
  const skipPlan = describePlan(
    await db.command({
      explain: {
        find: 'articles',
        filter: visibleAt(new Date()),
        sort: { published_at: -1, _id: -1 },
        projection: { content: 0 },
        skip: Long.fromNumber(DEFAULT_LIMIT * (DEPTH - 1)),
        limit: DEFAULT_LIMIT,
      },
      verbosity: 'queryPlanner',
    })
  );
  const keysetStats = pair(keyset);
  const skipStats = pair(skipped);

  return {
    name: 'pagination',
    title: `Pagination depth: page ${count(DEPTH)} against page 1`,
    figures: figures(keysetStats, skipStats, plan, cursorSource),
    details: details({
      inserted,
      insertMs,
      indexMs,
      walk,
      cursorSource,
      keyset: keysetStats,
      skip: skipStats,
      plan,
      skipPlan,
    }),
    inserted,
    insertMs,
    indexMs,
    walkedPages: walk.pages,
    walkMs: walk.ms,
    cursorSource,
    keyset: keysetStats,
    skip: skipStats,
    plan,
    skipPlan,
  };
}

interface Walk {
  /** The deepest page fetched. */
  pages: number;
  ms: number;
  /** next_cursor of each page fetched, by the page it leads to. */
  cursors: Map<number, string>;
  /** The cursor of the target page, when the walk got there. */
  cursor: string | undefined;
}

/** Follows next_cursor from page 1 towards `depth`, within a time budget. */
async function walkTo(
  handler: Handler,
  depth: number,
  ctx: Pick<BenchContext, 'log'>
): Promise<Walk> {
  const cursors = new Map<number, string>();
  const start = process.hrtime.bigint();
  let cursor: string | undefined;
  let page = 0;

  // Page depth - 1 hands out the cursor of page depth.
  while (page < depth - 1) {
    if (page > 0 && msSince(start) > WALK_BUDGET_MS) {
      ctx.log(`  walk stopped by its time budget at page ${page}`);
      break;
    }

    const body = await pageOf(handler, cursor);
    page++;

    if (!body.meta.next_cursor) {
      throw new Error(`the list ended at page ${page}`);
    }

    cursor = body.meta.next_cursor;
    cursors.set(page + 1, cursor);
  }

  return {
    pages: page,
    ms: msSince(start),
    cursors,
    cursor: cursors.get(depth),
  };
}

/**
 * The cursor that leads to page `DEPTH`, made from the generated order with
 * the API's own encoder. It is trusted only if it reproduces every cursor
 * the walk received.
 */
function derivedCursor(docs: ArticleDocument[], walk: Walk): string {
  const cursorTo = (page: number) => {
    const last = docs[(page - 1) * DEFAULT_LIMIT - 1];

    if (!last) {
      throw new Error(`no article ends page ${page - 1}`);
    }

    return encodeCursor({ publishedAt: last.published_at, id: last._id });
  };

  for (const [page, cursor] of walk.cursors) {
    if (cursorTo(page) !== cursor) {
      throw new Error(
        `the derived cursor for page ${page} differs from the API's`
      );
    }
  }

  return cursorTo(DEPTH);
}

async function pageOf(
  handler: Handler,
  cursor: string | undefined
): Promise<z.infer<typeof Page>> {
  const result = await invoke(
    handler,
    'listArticles',
    cursor ? { query: `cursor=${encodeURIComponent(cursor)}` } : {}
  );

  return Page.parse(JSON.parse(result.body ?? 'null'));
}

async function timedPage(
  handler: Handler,
  cursor: string | undefined
): Promise<number> {
  const { event, context } = requestFor(
    'listArticles',
    cursor ? { query: `cursor=${encodeURIComponent(cursor)}` } : {}
  );
  const start = process.hrtime.bigint();
  const result = await handler(event, context);
  const took = msSince(start);

  if (result.statusCode !== 200) {
    throw new Error(`listArticles answered ${result.statusCode}`);
  }

  return took;
}

async function timedDriver(fn: () => Promise<unknown[]>): Promise<number> {
  const start = process.hrtime.bigint();
  const rows = await fn();
  const took = msSince(start);

  if (rows.length !== DEFAULT_LIMIT) {
    throw new Error(`the driver page held ${rows.length} articles`);
  }

  return took;
}

/**
 * Times two calls in turn, swapping which goes first every round, for a
 * number of rounds or a time budget, whichever ends first (at least a few
 * rounds, so that a median means something).
 */
async function alternate(
  calls: [() => Promise<number>, () => Promise<number>],
  ctx: Pick<BenchContext, 'log'>
): Promise<[number[], number[]]> {
  const samples: [number[], number[]] = [[], []];
  const start = process.hrtime.bigint();

  for (let round = 0; round < TIMING_ROUNDS; round++) {
    const spent = msSince(start);

    if (
      (round >= MIN_ROUNDS && spent > TIMING_BUDGET_MS) ||
      spent > 3 * TIMING_BUDGET_MS
    ) {
      ctx.log(`  timing stopped by its budget after ${round} rounds`);
      break;
    }

    for (const slot of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const call = calls[slot] as () => Promise<number>;
      samples[slot]?.push(await call());
    }
  }

  return samples;
}

function pair([first, deep]: [number[], number[]]) {
  const page1 = summarize(first);
  const deepStats = summarize(deep);

  return { page1, deep: deepStats, ratio: deepStats.p50 / page1.p50 };
}

/** Runs some work and returns the `find` command it sent, for explain. */
async function captureFind<T>(
  work: () => Promise<T>
): Promise<{ result: T; command: Document }> {
  const client = await getClient();
  let found: Document | undefined;
  const listener = (event: CommandStartedEvent) => {
    if (event.commandName === 'find') {
      found = event.command;
    }
  };

  client.on('commandStarted', listener);
  let result: T;

  try {
    result = await work();
  } finally {
    client.off('commandStarted', listener);
  }

  if (!found) {
    throw new Error('the page sent no find command');
  }

  const { find, filter, sort, projection, limit } = found;

  return { result, command: { find, filter, sort, projection, limit } };
}

/** Reads an explain answer from mongod or from FerretDB. */
export function describePlan(explain: Document): PlanSummary {
  if ('sortPushdown' in explain) {
    const plan = Array.isArray(explain.queryPlanner?.Plan)
      ? explain.queryPlanner.Plan.join('; ')
      : JSON.stringify(explain.queryPlanner);

    return {
      indexUsed: false,
      text: `FerretDB: filterPushdown ${explain.filterPushdown}, sortPushdown ${explain.sortPushdown}, limitPushdown ${explain.limitPushdown}; SQLite plan "${plan}"`,
    };
  }

  const stages: string[] = [];
  const visit = (stage: Document | undefined) => {
    if (!stage) {
      return;
    }

    stages.push(
      stage.indexName
        ? `${stage.stage} ${stage.indexName}`
        : String(stage.stage)
    );
    visit(stage.inputStage);

    for (const inner of stage.inputStages ?? []) {
      visit(inner);
    }
  };

  visit(
    explain.queryPlanner?.winningPlan?.queryPlan ??
      explain.queryPlanner?.winningPlan
  );

  return {
    indexUsed: stages.some((stage) => stage.startsWith('IXSCAN')),
    text: `winning plan ${stages.join(' ← ') || 'unknown'}`,
  };
}

type Pair = ReturnType<typeof pair>;

function figures(
  keyset: Pair,
  skip: Pair,
  plan: PlanSummary,
  cursorSource: 'walked' | 'derived'
): Figure[] {
  const met = keyset.ratio <= MAX_DEPTH_RATIO;
  const noPushdown =
    plan.indexUsed === false && plan.text.startsWith('FerretDB');

  return [
    {
      ...(plan.indexUsed === false
        ? {
            note: `Both pages are full scans with an in-memory sort here (${plan.text}), so the ratio compares two equally slow queries and cannot show whether the \`public_list\` index would keep deep pages cheap; that needs a server that pushes the sort down to an index, such as mongod.`,
          }
        : {}),
      name: `6. Keyset page ${count(DEPTH)} vs page 1 (listArticles handler)`,
      measurement: `median ${ms(keyset.deep.p50)} (${keyset.deep.n} runs)`,
      baseline: `page 1 median ${ms(keyset.page1.p50)}`,
      ratio: ratio(keyset.ratio),
      goal: `≤ ${ratio(MAX_DEPTH_RATIO)}`,
      met,
      ...(met
        ? {}
        : {
            why: `The server does not serve the page from the index (${plan.text}). ${noPushdown ? 'FerretDB 1.x reads every document and sorts in memory, so depth is not what costs.' : 'The deeper filter should be an index range; check the plan.'} Cursor ${cursorSource}.`,
          }),
    },
    {
      name: `6. Skip-based page ${count(DEPTH)} vs page 1 (driver, for contrast)`,
      measurement: `median ${ms(skip.deep.p50)} (${skip.deep.n} runs)`,
      baseline: `skip 0 median ${ms(skip.page1.p50)}`,
      ratio: ratio(skip.ratio),
      goal: 'no goal; contrast',
    },
    {
      name: '6. Index plan for the keyset page',
      measurement:
        plan.indexUsed === true
          ? 'index scan'
          : plan.indexUsed === false
            ? 'no index: full scan'
            : 'not reported',
      baseline: '—',
      ratio: '—',
      goal: 'reported',
    },
  ];
}

function details(run: {
  inserted: number;
  insertMs: number;
  indexMs: number;
  walk: Walk;
  cursorSource: 'walked' | 'derived';
  keyset: Pair;
  skip: Pair;
  plan: PlanSummary;
  skipPlan: PlanSummary;
}): string[] {
  const row = (label: string, s: Summary) => [
    label,
    String(s.n),
    ms(s.p50),
    ms(s.min),
    ms(s.max),
  ];
  const walked =
    run.cursorSource === 'walked'
      ? `The cursor of page ${count(DEPTH)} came from following \`next_cursor\` from page 1 (${count(run.walk.pages)} pages in ${ms(run.walk.ms)}).`
      : `Following \`next_cursor\` reached page ${count(run.walk.pages)} within its ${WALK_BUDGET_MS / 1000} s budget (${ms(run.walk.ms / run.walk.pages)} a page), so page ${count(DEPTH)} was out of reach. Its cursor was instead made from the generated order with the API's own \`encodeCursor\`, after checking that the same derivation reproduces every one of the ${count(run.walk.cursors.size)} cursors the walk received; page ${count(DEPTH)} then began with the expected article.`;

  return [
    `${count(run.inserted)} published articles inserted with \`insertMany\``,
    `(batches of ${count(BATCH)}) in ${ms(run.insertMs)}; the declared indexes`,
    `were then built in ${ms(run.indexMs)}. Timed rounds alternate page 1`,
    "and the deep page and swap their order every round. The handlers'",
    `client runs with \`connectTimeoutMS\` ${HEARTBEAT_TIMEOUT_MS / 1000} s instead of 3 s: the driver`,
    'times heartbeats with it, and FerretDB, busy scanning for seconds on',
    'both cores, can answer a heartbeat later than that, which would mark',
    'the server down and fail the page with a 503.',
    '',
    walked,
    '',
    ...table(
      ['query', 'runs', 'median', 'min', 'max'],
      [
        row('keyset page 1 (handler)', run.keyset.page1),
        row(`keyset page ${count(DEPTH)} (handler)`, run.keyset.deep),
        row('skip 0 (driver)', run.skip.page1),
        row(
          `skip ${count(DEFAULT_LIMIT * (DEPTH - 1))} (driver)`,
          run.skip.deep
        ),
      ]
    ),
    '',
    `Explain of the keyset page's own \`find\` (captured from the handler):`,
    `${run.plan.text}.`,
    '',
    `Explain of the skip query: ${run.skipPlan.text}.`,
  ];
}
