import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '../src/routes';
import {
  type Built,
  baselineBuildOptions,
  bundle,
  stackBuildOptions,
} from './bundling';
import { bytes, ratio, table } from './format';
import { ROOT } from './paths';
import type { BenchContext, BenchReport, Figure } from './types';

/** The size goal per function, minified. */
export const MAX_BUNDLE_BYTES = 600 * 1024;

/** Packages that must contribute no byte to any bundle. */
export const OPTIONAL_PACKAGES = [
  'kerberos',
  'mongodb-client-encryption',
  '@mongodb-js/zstd',
  'snappy',
  'socks',
  'aws4',
  'gcp-metadata',
  '@aws-sdk/credential-providers',
];

const isForbidden = (name: string) =>
  name.startsWith('@aws-sdk/') || OPTIONAL_PACKAGES.includes(name);

/** Every function the stack deploys: one per route, and the authorizer. */
export const FUNCTIONS: readonly { name: string; entry: string }[] = [
  ...routes.map((route) => ({ name: route.operation, entry: route.entry })),
  { name: 'authorizer', entry: 'functions/authorizer.ts' },
];

export interface BundleFigures {
  name: string;
  entry: string;
  bytes: number;
  baselineBytes: number;
  /** Bytes from @aws-sdk/* and the driver's optional packages. */
  forbiddenBytes: number;
  /** Packages left for the runtime to provide. */
  externals: string[];
  /** The heaviest packages in the bundle, largest first. */
  top: { name: string; bytes: number }[];
  /** Every package with bytes in the bundle. */
  packages: string[];
  /** The package that gained most over the baseline build, if any did. */
  grewMost?: { name: string; bytes: number };
  met: boolean;
}

/** Variations of the stack's options tried on the largest bundle. */
export interface Variation {
  label: string;
  bytes: number;
}

export interface BundleSizeResult extends BenchReport {
  bundles: BundleFigures[];
  largest: BundleFigures;
  /** The driver's bytes in the largest bundle by folder of mongodb/lib. */
  driverParts: { name: string; bytes: number }[];
  variations: Variation[];
}

function heaviest(built: Built, n: number) {
  return [...built.packages.entries()]
    .map(([name, size]) => ({ name, bytes: size }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, n);
}

function largestGrowth(
  built: Built,
  base: Built
): { name: string; bytes: number } | undefined {
  let most: { name: string; bytes: number } | undefined;

  for (const [name, size] of built.packages) {
    const grew = size - (base.packages.get(name) ?? 0);

    if (grew > 0 && grew > (most?.bytes ?? 0)) {
      most = { name, bytes: grew };
    }
  }

  return most;
}

function forbiddenBytes(built: Built): number {
  let total = 0;

  for (const [name, size] of built.packages) {
    if (isForbidden(name)) {
      total += size;
    }
  }

  return total;
}

/**
 * Bundles every function with the stack's esbuild options and with the
 * baseline options, and reads the sizes from esbuild's metafile.
 */
export async function bundleSize(
  ctx: Pick<BenchContext, 'log'>
): Promise<BundleSizeResult> {
  const stack = stackBuildOptions();
  const baseline = baselineBuildOptions();
  const bundles: BundleFigures[] = [];
  const builds = new Map<string, Built>();

  for (const fn of FUNCTIONS) {
    const built = await bundle(fn.entry, stack);
    const base = await bundle(fn.entry, baseline);
    const forbidden = forbiddenBytes(built);

    bundles.push({
      name: fn.name,
      entry: fn.entry,
      bytes: built.bytes,
      baselineBytes: base.bytes,
      grewMost: largestGrowth(built, base),
      forbiddenBytes: forbidden,
      externals: built.externals,
      top: heaviest(built, 5),
      packages: [...built.packages.keys()].sort(),
      met: built.bytes <= MAX_BUNDLE_BYTES && forbidden === 0,
    });
    builds.set(fn.name, built);
    ctx.log(`  ${fn.name}: ${bytes(built.bytes)}`);
  }

  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const largestBuild = builds.get(largest.name) as Built;
  const driverParts = driverBreakdown(largestBuild);
  const variations = await vary(largest.entry, largest.bytes);
  const context: WhyContext = { driverParts, variations };
  const smallest = bundles.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  const allMet = bundles.every((b) => b.met);
  const failing = bundles.filter((b) => !b.met);
  const larger = bundles.filter((b) => b.bytes > b.baselineBytes);
  const goal = `≤ ${bytes(MAX_BUNDLE_BYTES)} each; 0 B from @aws-sdk/* and optional driver packages`;
  const saving = (b: BundleFigures) =>
    `${ratio(b.bytes / b.baselineBytes)} (saves ${(100 * (1 - b.bytes / b.baselineBytes)).toFixed(1)}%)`;
  const figures: Figure[] = [
    {
      name: `1. Bundle size, largest function (${largest.name})`,
      measurement: `${bytes(largest.bytes)}, ${largest.forbiddenBytes} B forbidden`,
      baseline: bytes(largest.baselineBytes),
      ratio: saving(largest),
      goal,
      met: largest.met,
      ...(largest.met ? {} : { why: whyNot(largest, context) }),
    },
    {
      ...(larger.length > 0
        ? {
            note: `Larger with the stack's options than with the baseline's: ${larger
              .map(
                (b) =>
                  `${b.name} ${ratio(b.bytes / b.baselineBytes)}${b.grewMost ? `, mostly ${b.grewMost.name} (+${kb(b.grewMost.bytes)})` : ''}`
              )
              .join('; ')}.`,
          }
        : {}),
      name: `1. Bundle size, all ${bundles.length} functions`,
      measurement: `${bytes(smallest.bytes)} to ${bytes(largest.bytes)}; ${bundles.filter((b) => b.met).length} of ${bundles.length} within goal`,
      baseline: `${bytes(Math.min(...bundles.map((b) => b.baselineBytes)))} to ${bytes(Math.max(...bundles.map((b) => b.baselineBytes)))}`,
      ratio: `${ratio(Math.min(...bundles.map((b) => b.bytes / b.baselineBytes)))} to ${ratio(Math.max(...bundles.map((b) => b.bytes / b.baselineBytes)))}`,
      goal,
      met: allMet,
      ...(allMet
        ? {}
        : {
            why: `Not within the goal: ${failing.map((b) => b.name).join(', ')}. ${
              failing.every((b) => b.packages.includes('mongodb'))
                ? 'Each of them carries the whole driver, so the reasons are those of the largest above.'
                : 'See the table below for each one.'
            }`,
          }),
    },
  ];

  return {
    name: 'bundle-size',
    title: 'Bundle size per function',
    figures,
    details: details(bundles, largest, context),
    bundles,
    largest,
    driverParts,
    variations,
  };
}

interface WhyContext {
  driverParts: { name: string; bytes: number }[];
  variations: Variation[];
}

/** The driver's bytes grouped by the first folder under mongodb/lib. */
function driverBreakdown(built: Built): { name: string; bytes: number }[] {
  const parts = new Map<string, number>();

  for (const [path, size] of built.inputs) {
    const inside = /node_modules\/mongodb\/lib\/([^/]+)/.exec(path)?.[1];

    if (inside) {
      parts.set(inside, (parts.get(inside) ?? 0) + size);
    }
  }

  return [...parts.entries()]
    .map(([name, size]) => ({ name, bytes: size }))
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * Rebuilds one entry with one change at a time, to show what each of the
 * stack's size measures saves and what a further option would.
 */
async function vary(entry: string, stackBytes: number): Promise<Variation[]> {
  const stack = stackBuildOptions();
  const aliases = Object.keys(stack.alias ?? {});
  const variants = [
    { label: 'stack options (as deployed)', options: stack },
    ...aliases.map((name) => ({
      label: `without the ${name} alias`,
      options: { ...stack, alias: withoutKey(stack.alias ?? {}, name) },
    })),
    {
      label: 'plus legalComments none',
      options: { ...stack, legalComments: 'none' as const },
    },
  ];
  const out: Variation[] = [];

  for (const variant of variants) {
    const bytesOf =
      variant.options === stack
        ? stackBytes
        : (await bundle(entry, variant.options)).bytes;
    out.push({ label: variant.label, bytes: bytesOf });
  }

  return out;
}

function withoutKey(
  record: Record<string, string>,
  key: string
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter(([name]) => name !== key)
  );
}

/** Whether a package ships an ES module entry esbuild could tree-shake. */
function hasModuleEntry(name: string): boolean {
  const text = readFileSync(
    join(ROOT, 'node_modules', name, 'package.json'),
    'utf8'
  );
  const manifest = JSON.parse(text) as { module?: unknown; exports?: unknown };

  return manifest.module !== undefined || manifest.exports !== undefined;
}

function whyNot(b: BundleFigures, ctx: WhyContext): string {
  const reasons: string[] = [];

  if (b.bytes > MAX_BUNDLE_BYTES) {
    const [first] = b.top;
    const share = first ? ((100 * first.bytes) / b.bytes).toFixed(0) : '0';
    const shape =
      first && first.name !== '(project)' && !hasModuleEntry(first.name)
        ? ' ships CommonJS only (no `module` or `exports` entry), so esbuild keeps all of it;'
        : ';';
    const parts = ctx.driverParts
      .slice(0, 6)
      .map((p) => `${p.name} ${kb(p.bytes)}`)
      .join(', ');
    const tried = ctx.variations
      .slice(1)
      .map((v) => `${v.label} ${signedKb(v.bytes - b.bytes)}`)
      .join(', ');

    reasons.push(
      `${kb(b.bytes - MAX_BUNDLE_BYTES)} over the goal. ${first?.name} is ${kb(first?.bytes ?? 0)} (${share}%) of it and${shape} its largest parts: ${parts}. Next: ${b.top
        .slice(1)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(
          ', '
        )}. Measured in this run, one option changed at a time: ${tried}.`
    );
  }

  if (b.forbiddenBytes > 0) {
    reasons.push(
      `${b.forbiddenBytes} B come from packages that should stay external.`
    );
  }

  return reasons.join(' ');
}

const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`;
const signedKb = (value: number) =>
  `${value >= 0 ? '+' : '−'}${kb(Math.abs(value))}`;

function details(
  bundles: BundleFigures[],
  largest: BundleFigures,
  ctx: WhyContext
): string[] {
  return [
    'Built with the options in `lib/bundling.ts` (esbuild API, `write: false`),',
    'sizes from the metafile; the source map is a separate file and not',
    `counted. The baseline drops the stack's aliases (${Object.keys(
      stackBuildOptions().alias ?? {}
    )
      .map((name) => `\`${name}\``)
      .join(', ')}) and keeps the rest.`,
    '',
    ...table(
      ['function', 'bundle', 'baseline', 'ratio', 'forbidden', 'goal'],
      bundles.map((b) => [
        b.name,
        bytes(b.bytes),
        bytes(b.baselineBytes),
        ratio(b.bytes / b.baselineBytes),
        `${b.forbiddenBytes} B`,
        b.met ? 'met' : 'not met',
      ])
    ),
    '',
    `Top 5 packages in the largest bundle (${largest.name}):`,
    '',
    ...table(
      ['package', 'bytes in bundle', 'share'],
      largest.top.map((p) => [
        p.name,
        bytes(p.bytes),
        `${((100 * p.bytes) / largest.bytes).toFixed(1)}%`,
      ])
    ),
    '',
    `The driver's share of ${largest.name}, by folder of \`mongodb/lib\`:`,
    '',
    ...table(
      ['part', 'bytes'],
      ctx.driverParts.slice(0, 10).map((p) => [p.name, bytes(p.bytes)])
    ),
    '',
    `The same entry (${largest.name}) built with one option changed:`,
    '',
    ...table(
      ['options', 'bundle', 'change'],
      ctx.variations.map((v) => [
        v.label,
        bytes(v.bytes),
        signedKb(v.bytes - largest.bytes),
      ])
    ),
    '',
    `Left external in ${largest.name} (resolved by the runtime when asked for): ${
      largest.externals.map((name) => `\`${name}\``).join(', ') || 'none'
    }.`,
  ];
}
