import { spawn } from 'node:child_process';
import * as z from 'zod';
import { startLocalServer } from '../local/server';
import { getDb } from '../src/core/db';
import type { ArticleDocument } from '../src/models/article';
import { makeArticles } from './articles';
import { startBareServer } from './bare-server';
import { count, ms, ratio, table } from './format';
import { leaveDatabase, useDatabase, withDirectDb } from './lambda';
import type { BenchContext, BenchReport, Figure } from './types';

/** The goal: the API serves at least this share of the bare server's rate. */
export const MIN_THROUGHPUT_RATIO = 0.9;

const DATABASE = 'bench_throughput';
const CONNECTIONS = 10;
const SECONDS = 10;
const WARMUP_SECONDS = 2;
// The pool the local server gives its handlers (see local/server.ts); the
// bare server gets the same.
const LOCAL_POOL = 20;
const AUTOCANNON = require.resolve('autocannon/autocannon.js');

// The parts of autocannon's JSON report this benchmark reads.
const Report = z.object({
  duration: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
  '2xx': z.number(),
  latency: z.object({ p50: z.number(), p99: z.number(), average: z.number() }),
  requests: z.object({ average: z.number(), total: z.number() }),
});

/** One load run's result. */
export interface Load {
  /** Successful (2xx) responses a second. */
  rps: number;
  /** CPU time of this process (where both servers run) per 2xx answer. */
  cpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
}

export interface ThroughputResult extends BenchReport {
  runs: Record<string, { api: Load; bare: Load; ratio: number }>;
}

/**
 * Loads the local server (the real handlers behind API Gateway-style
 * events) and a bare driver server with autocannon, one after the other.
 */
export async function throughput(ctx: BenchContext): Promise<ThroughputResult> {
  await useDatabase(DATABASE);

  try {
    return await measure(ctx);
  } finally {
    await leaveDatabase();
  }
}

async function measure(ctx: BenchContext): Promise<ThroughputResult> {
  const docs = makeArticles(40, { newest: new Date(), stepMs: 3_600_000 });
  const slug = (docs[3] as ArticleDocument).slug;

  await withDirectDb(DATABASE, (db) =>
    db.collection<ArticleDocument>('articles').insertMany(docs)
  );

  const api = await startLocalServer({ port: 0, log: () => {}, seed: false });
  const database = (await getDb()).databaseName;
  const bare = await startBareServer(api.mongo.uri, database, LOCAL_POOL);

  try {
    const runs: ThroughputResult['runs'] = {};
    const paths = [
      { label: 'GET /articles', path: '/articles' },
      { label: 'GET /articles/{slug}', path: `/articles/${slug}` },
    ];

    for (const [i, { label, path }] of paths.entries()) {
      // Swap which server goes first from one path to the next.
      const order = i % 2 === 0 ? ['api', 'bare'] : ['bare', 'api'];
      const loads: Record<string, Load> = {};

      for (const which of order) {
        const url = `${which === 'api' ? api.url : bare.url}${path}`;
        await load(url, WARMUP_SECONDS);
        loads[which] = await load(url, SECONDS);
        ctx.log(
          `  ${label} ${which}: ${loads[which]?.rps.toFixed(0)} requests/s`
        );
      }

      const apiLoad = loads.api as Load;
      const bareLoad = loads.bare as Load;
      runs[label] = {
        api: apiLoad,
        bare: bareLoad,
        ratio: apiLoad.rps / bareLoad.rps,
      };
    }

    return report(runs, ctx.mongo?.kind === 'ferretdb');
  } finally {
    await bare.close();
    await api.close();
  }
}

/** Runs autocannon in a process of its own against a loopback URL. */
async function load(url: string, seconds: number): Promise<Load> {
  if (!url.startsWith('http://127.0.0.1:')) {
    throw new Error(`refusing to load anything but 127.0.0.1: ${url}`);
  }

  const child = spawn(
    process.execPath,
    [
      AUTOCANNON,
      '-c',
      String(CONNECTIONS),
      '-d',
      String(seconds),
      '-j',
      '-n',
      url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: (seconds + 20) * 1000 }
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  // Only the server under load works in this process meanwhile; the load
  // generator runs in the child.
  const cpuBefore = process.cpuUsage();

  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));

  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });

  const cpu = process.cpuUsage(cpuBefore);

  if (code !== 0) {
    throw new Error(`autocannon exited with ${code}: ${Buffer.concat(err)}`);
  }

  const result = Report.parse(JSON.parse(Buffer.concat(out).toString('utf8')));

  return {
    rps: result['2xx'] / result.duration,
    cpuMsPerRequest:
      (cpu.user + cpu.system) / 1000 / Math.max(1, result['2xx']),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

function report(
  runs: ThroughputResult['runs'],
  serialised: boolean
): ThroughputResult {
  const figures: Figure[] = Object.entries(runs).map(([label, run]) => {
    const met = run.ratio >= MIN_THROUGHPUT_RATIO && run.api.failed === 0;

    return {
      ...(serialised
        ? {
            note: `Both servers share one FerretDB on the same 2 cores, so the bare server's ${run.bare.rps.toFixed(0)} req/s (p50 ${run.bare.p50Ms} ms at ${CONNECTIONS} connections) is roughly the database's pace here; the ratio shows what the API's own work costs beside it, not its capacity on a faster server.`,
          }
        : {}),
      name: `7. Throughput, ${label}`,
      measurement: `${run.api.rps.toFixed(0)} req/s; p50 ${run.api.p50Ms} ms, p99 ${run.api.p99Ms} ms`,
      baseline: `${run.bare.rps.toFixed(0)} req/s; p50 ${run.bare.p50Ms} ms, p99 ${run.bare.p99Ms} ms`,
      ratio: ratio(run.ratio),
      goal: `≥ ${ratio(MIN_THROUGHPUT_RATIO)} requests/s`,
      met,
      ...(met
        ? {}
        : {
            why:
              run.api.failed > 0
                ? `${count(run.api.failed)} requests failed or timed out under load.`
                : `The server process spent ${ms(run.api.cpuMsPerRequest)} of CPU per answer for the API against ${ms(run.bare.cpuMsPerRequest)} for the bare server: per request the local server builds the event, validates it, runs the middy chain, parses each document back through its schema, shapes the view and hashes a weak ETag for lists. On this 2-core machine that CPU competes with the database and the load generator, so it shows up as requests a second.`,
          }),
    };
  });

  return {
    name: 'throughput',
    title: 'Throughput of the local server against a bare driver server',
    figures,
    details: [
      `autocannon, ${CONNECTIONS} connections, ${SECONDS} s a run after a ${WARMUP_SECONDS} s`,
      'warm-up, in a process of its own, against 127.0.0.1. The API is',
      '`startLocalServer` (the real handlers, one process); the baseline is',
      '`bench/bare-server.ts`: the same `find` (limit 16, no `content`) and',
      '`findOne` through the driver, returned as JSON. Both use a pool of',
      `${LOCAL_POOL} connections. Requests a second count 2xx answers only;`,
      'latencies are whole milliseconds, as autocannon reports them. CPU per',
      'answer is the user and system time of the bench process (which hosts',
      'both servers, one loaded at a time) over the run, per 2xx answer.',
      '',
      ...table(
        [
          'path',
          'server',
          'req/s',
          'p50',
          'p99',
          'CPU / answer',
          '2xx',
          'failed',
        ],
        Object.entries(runs).flatMap(([label, run]) => [
          row(label, 'local server (API)', run.api),
          row(label, 'bare driver server', run.bare),
        ])
      ),
    ],
    runs,
  };
}

function row(label: string, server: string, run: Load): string[] {
  return [
    label,
    server,
    run.rps.toFixed(0),
    `${run.p50Ms} ms`,
    `${run.p99Ms} ms`,
    ms(run.cpuMsPerRequest),
    count(run.ok),
    count(run.failed),
  ];
}
