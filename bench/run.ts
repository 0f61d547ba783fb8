import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { RunningMongo } from '../local/embedded-mongo';
import { ROOT } from './paths';
import {
  describeMachine,
  printable,
  renderReport,
  withoutPaths,
} from './report';
import type { BenchContext, BenchReport } from './types';

type Bench = (ctx: BenchContext) => Promise<BenchReport>;

// Loaded only when chosen, and only after the environment below is set:
// the handlers read it when their modules load.
const BENCHMARKS: Record<string, { db: boolean; load: () => Promise<Bench> }> =
  {
    'bundle-size': {
      db: false,
      load: async () => (await import('./bundle-size')).bundleSize,
    },
    'cold-start': {
      db: false,
      load: async () => (await import('./cold-start')).coldStart,
    },
    'warm-path': {
      db: true,
      load: async () => (await import('./warm-path')).warmPath,
    },
    'connection-reuse': {
      db: true,
      load: async () => (await import('./connection-reuse')).connectionReuse,
    },
    'round-trips': {
      db: true,
      load: async () => (await import('./round-trips')).roundTrips,
    },
    pagination: {
      db: true,
      load: async () => (await import('./pagination')).pagination,
    },
    throughput: {
      db: true,
      load: async () => (await import('./throughput')).throughput,
    },
  };

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadavg()[0] ?? 0;
  const clock = process.hrtime.bigint();
  const args = process.argv.slice(2);
  const unknown = args.filter((name) => !Object.hasOwn(BENCHMARKS, name));

  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`
    );
  }

  const chosen = args.length > 0 ? args : Object.keys(BENCHMARKS);

  // Handler logs would flood the console and cost time that is not the
  // code under test; tests silence them the same way.
  process.env.LOG_LEVEL = 'SILENT';
  process.env.ENV_STATE = 'dev';

  const { startMongo } = await import('../local/embedded-mongo');
  const needsDb = chosen.some((name) => BENCHMARKS[name]?.db);
  const mongo: RunningMongo | undefined = needsDb
    ? await startMongo(log)
    : undefined;
  const reports: BenchReport[] = [];
  const failures: { name: string; message: string }[] = [];
  let database = 'none (no chosen benchmark needs one)';

  try {
    if (mongo) {
      process.env.MONGODB_URI = mongo.uri;
      database = await describeServer(mongo);
    }

    for (const name of chosen) {
      const entry = BENCHMARKS[name];

      if (!entry) {
        continue;
      }

      log(`-- ${name}`);
      const begin = process.hrtime.bigint();

      try {
        const run = await entry.load();
        const ctx: BenchContext = mongo ? { mongo, log } : { log };
        const report = await run(ctx);
        report.elapsedMs = Number(process.hrtime.bigint() - begin) / 1e6;
        reports.push(report);

        for (const line of printable(report)) {
          log(line);
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ name, message: withoutPaths(message) });
        log(`!! ${name} failed: ${message}`);
        console.error(error);
      }
    }
  } finally {
    const { closeDb } = await import('../src/core/db');
    await closeDb();
    await mongo?.stop();
  }

  const totalMs = Number(process.hrtime.bigint() - clock) / 1e6;
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;

  writeFileSync(
    join(ROOT, 'BENCHMARKS.md'),
    renderReport({
      machine: describeMachine(),
      started,
      command,
      database,
      reports,
      failures,
      totalMs,
      load: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    })
  );
  log(`BENCHMARKS.md written; total ${(totalMs / 1000).toFixed(0)} s`);

  if (failures.length > 0) {
    process.exitCode = 1;
  }
}

/** The server's own account of itself, beside how it was started. */
async function describeServer(mongo: RunningMongo): Promise<string> {
  const { withDirectDb } = await import('./lambda');
  const info = await withDirectDb('admin', (db) =>
    db.command({ buildInfo: 1 })
  );
  const version = typeof info.version === 'string' ? info.version : '?';
  const ferret =
    typeof info.ferretdbVersion === 'string' &&
    info.ferretdbVersion !== 'unknown'
      ? `, FerretDB build ${info.ferretdbVersion}`
      : '';

  return `${mongo.description}; reports MongoDB ${version}${ferret}`;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
