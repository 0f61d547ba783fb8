import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS } from './bundle-size';
import { type Built, bundle, stackBuildOptions } from './bundling';
import { ms, ratio, signedMs, table } from './format';
import { msSince, type Summary, summarize } from './stats';
import type { BenchContext, BenchReport, Figure } from './types';

/** The goal: a cold load at most this many times a bare `node -e 0`. */
export const MAX_COLD_RATIO = 1.6;

const RUNS = 40;
const WARMUP_ROUNDS = 3;
const TIME_BUDGET_MS = 150_000;

/** One kind of process start, measured many times. */
interface Variant {
  label: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface ColdStartResult extends BenchReport {
  /** Wall time of each kind of process start, in milliseconds. */
  summaries: Record<string, Summary>;
  getArticleRatio: number;
  largestRatio: number;
  largest: string;
}

/**
 * Starts fresh `node` processes that load a built bundle and run its module
 * init, interleaved with bare `node -e 0` starts, and compares the medians.
 */
export async function coldStart(
  ctx: Pick<BenchContext, 'log'>
): Promise<ColdStartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'blog-bench-cold-'));

  try {
    return await measure(ctx, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  ctx: Pick<BenchContext, 'log'>,
  dir: string
): Promise<ColdStartResult> {
  const options = stackBuildOptions();
  const built = new Map<string, Built>();

  for (const fn of FUNCTIONS) {
    built.set(fn.name, await bundle(fn.entry, options));
  }

  const largest = [...built.entries()].reduce((a, b) =>
    b[1].bytes > a[1].bytes ? b : a
  )[0];
  const getArticle = write(dir, 'getArticle', built.get('getArticle'));
  const biggest = write(dir, largest, built.get(largest));
  // Lambda starts the functions with NODE_OPTIONS=--enable-source-maps (see
  // lib/blog-api-stack.ts), which makes Node read the map at load time.
  const plain = childEnv();
  const withMaps = { ...plain, NODE_OPTIONS: '--enable-source-maps' };
  const variants: Variant[] = [
    { label: 'bare', args: ['-e', '0'], env: plain },
    { label: 'getArticle', args: requiring(getArticle), env: plain },
    ...(largest === 'getArticle'
      ? []
      : [{ label: largest, args: requiring(biggest), env: plain }]),
    { label: 'bare, source maps on', args: ['-e', '0'], env: withMaps },
    {
      label: 'getArticle, source maps on',
      args: requiring(getArticle),
      env: withMaps,
    },
  ];

  // The parts of the module init run in the same rounds, so that they
  // share the baseline and the machine's noise with the whole.
  for (const [i, part] of PARTS.entries()) {
    const built = await bundle({ text: part.text }, options);
    variants.push({
      label: part.label,
      args: requiring(write(dir, `part-${i}`, built)),
      env: plain,
    });
  }

  ctx.log(`  ${variants.length} kinds of start, up to ${RUNS} rounds`);
  const samples = interleave(variants, RUNS, TIME_BUDGET_MS);
  const summaries = Object.fromEntries(
    variants.map((v) => [v.label, summarize(samples.get(v.label) ?? [])])
  );
  const bare = summaries.bare as Summary;
  const ratioOf = (label: string) =>
    (summaries[label] as Summary).p50 / bare.p50;
  const getArticleRatio = ratioOf('getArticle');
  const largestRatio = ratioOf(largest);
  const deployedRatio =
    (summaries['getArticle, source maps on'] as Summary).p50 /
    (summaries['bare, source maps on'] as Summary).p50;
  const met = getArticleRatio <= MAX_COLD_RATIO;
  const largestMet = largestRatio <= MAX_COLD_RATIO;
  const figure = (
    name: string,
    label: string,
    value: number,
    ok: boolean
  ): Figure => ({
    name,
    measurement: `median ${ms((summaries[label] as Summary).p50)} (${samples.get(label)?.length} runs)`,
    baseline: `median ${ms(bare.p50)} (\`node -e 0\`)`,
    ratio: ratio(value),
    goal: `≤ ${ratio(MAX_COLD_RATIO)}`,
    met: ok,
    ...(ok ? {} : { why: explain(label, summaries) }),
  });

  return {
    name: 'cold-start',
    title: 'Cold load of a bundle in a fresh process',
    figures: [
      figure('2. Cold load, getArticle', 'getArticle', getArticleRatio, met),
      figure(
        `2. Cold load, largest bundle (${largest})`,
        largest,
        largestRatio,
        largestMet
      ),
      {
        name: '2. Cold load, getArticle as deployed (source maps on)',
        measurement: `median ${ms((summaries['getArticle, source maps on'] as Summary).p50)}`,
        baseline: `median ${ms((summaries['bare, source maps on'] as Summary).p50)}`,
        ratio: ratio(deployedRatio),
        goal: 'no goal; shown for the Lambda setting',
      },
    ],
    details: details(summaries),
    summaries,
    getArticleRatio,
    largestRatio,
    largest,
  };
}

function write(dir: string, name: string, built: Built | undefined): string {
  if (!built) {
    throw new Error(`no bundle was built for ${name}`);
  }

  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'index.js'), built.code);

  if (built.map) {
    writeFileSync(join(folder, 'index.js.map'), built.map);
  }

  return join(folder, 'index.js');
}

const requiring = (file: string) => ['-e', `require(${JSON.stringify(file)})`];

/** The bench's environment without a database and without Node flags. */
function childEnv(): NodeJS.ProcessEnv {
  const { MONGODB_URI: _uri, NODE_OPTIONS: _options, ...rest } = process.env;

  return { ...rest, LOG_LEVEL: 'SILENT' };
}

/**
 * Runs every variant once per round, rotating the order each round so that
 * no variant always follows another, until `runs` rounds or the time budget.
 * The first rounds warm the file cache and are not kept.
 */
function interleave(
  variants: Variant[],
  runs: number,
  budgetMs: number
): Map<string, number[]> {
  const samples = new Map(variants.map((v) => [v.label, [] as number[]]));
  const start = process.hrtime.bigint();

  for (let round = 0; round < runs + WARMUP_ROUNDS; round++) {
    if (round > WARMUP_ROUNDS && msSince(start) > budgetMs) {
      break;
    }

    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(round + i) % variants.length] as Variant;
      const took = startOnce(variant);

      if (round >= WARMUP_ROUNDS) {
        samples.get(variant.label)?.push(took);
      }
    }
  }

  return samples;
}

function startOnce(variant: Variant): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, variant.args, {
    env: variant.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
  const took = msSince(start);

  if (result.status !== 0) {
    throw new Error(
      `${variant.label} exited with ${result.status}: ${result.stderr?.toString()}`
    );
  }

  return took;
}

// Parts of every function's module init, each bundled alone with the
// stack's options, to show where the load time goes.
const PARTS = [
  { label: 'part: mongodb driver', text: "require('mongodb');" },
  {
    label: 'part: zod and the route table',
    text: "require('./src/routes');",
  },
  {
    label: 'part: logger and middy',
    text: "require('./src/core/logger');require('@middy/core');",
  },
];

function explain(label: string, summaries: Record<string, Summary>): string {
  const bare = (summaries.bare as Summary).p50;
  const whole = (summaries[label] as Summary).p50 - bare;
  const parts = PARTS.map(
    (part) =>
      `${part.label.replace('part: ', '')} ${signedMs((summaries[part.label] as Summary).p50 - bare)}`
  ).join(', ');

  return `Loading ${label} adds ${ms(whole)} (median) to a bare start. Parts of the module init, each bundled and loaded alone in the same rounds, add (they overlap, so they need not sum to the whole): ${parts}. The driver's module init is most of it, and every function that reads the database needs the driver, so no bundling option removes that work. Tried, and kept: zod/mini instead of classic zod (94 KB of zod became 30 KB), a small logger of our own instead of the Powertools logger (24 KB fewer, and fewer Node modules to load), whatwg-url replaced by Node's URL class (280 KB fewer), one ES build of bson, and source maps off by default (the row above shows their cost). Not done, on purpose: requiring the driver on the first request instead of at import would move its load out of this figure but not out of the first request, and would waste provisioned concurrency, which runs module init ahead of traffic. Untried: a V8 compile cache shipped with the bundle, which must match the runtime's exact Node.js build, or a driver build without the parts this API never uses.`;
}

function details(summaries: Record<string, Summary>): string[] {
  const rows = Object.entries(summaries).map(([label, s]) => [
    label,
    String(s.n),
    ms(s.p50),
    label === 'bare' ? '—' : signedMs(s.p50 - (summaries.bare as Summary).p50),
    ms(s.p90),
    ms(s.min),
    ms(s.max),
  ]);

  return [
    'Each run is one `spawnSync` of `node -e "require(<bundle>)"` (or',
    '`node -e 0`), timed from spawn to exit, without `MONGODB_URI`. All',
    'kinds of start share the same rounds, and their order rotates every',
    'round. The `part:` rows bundle one piece of the module init alone with',
    'the stack options, to show where the time goes.',
    '',
    ...table(
      ['process', 'runs', 'median', 'vs bare', 'p90', 'min', 'max'],
      rows
    ),
  ];
}
