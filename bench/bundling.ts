import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { BUNDLING } from '../lib/bundling';
import { ROOT } from './paths';

// The BundlingOptions keys this helper knows how to translate. Any other
// key set in lib/bundling.ts stops the benchmark, so the sizes it reports
// can never silently come from options the stack does not use.
const KNOWN = new Set([
  'format',
  'target',
  'minify',
  'sourceMap',
  'sourcesContent',
  'keepNames',
  'metafile',
  'externalModules',
  'mainFields',
  'esbuildArgs',
]);

/**
 * The esbuild options the CDK stack bundles every function with, from
 * lib/bundling.ts, as the esbuild API spells them.
 */
export function stackBuildOptions(
  bundling: BundlingOptions = BUNDLING
): BuildOptions {
  const unknown = Object.keys(bundling).filter((key) => !KNOWN.has(key));

  if (unknown.length > 0) {
    throw new Error(
      `bench/bundling.ts cannot translate bundling option(s): ${unknown.join(', ')}`
    );
  }

  return {
    bundle: true,
    platform: 'node',
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    target: bundling.target ?? 'node22',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    keepNames: bundling.keepNames ?? false,
    metafile: true,
    write: false,
    external: [...(bundling.externalModules ?? [])],
    ...(bundling.mainFields ? { mainFields: [...bundling.mainFields] } : {}),
    alias: aliasesOf(bundling.esbuildArgs ?? {}),
    absWorkingDir: ROOT,
    logLevel: 'silent',
  };
}

/** Reads `--alias:name=path` arguments; refuses any other esbuild argument. */
function aliasesOf(
  args: Readonly<Record<string, string | boolean | string[]>>
): Record<string, string> {
  const alias: Record<string, string> = {};

  for (const [flag, value] of Object.entries(args)) {
    const name = /^--alias:(.+)$/.exec(flag)?.[1];

    if (!name || typeof value !== 'string') {
      throw new Error(`bench/bundling.ts cannot translate esbuild arg ${flag}`);
    }

    alias[name] = value;
  }

  return alias;
}

/**
 * The baseline: the stack's options without the project's size measures,
 * its aliases and the module-first main fields. Minification and the
 * external packages stay, as in the stack.
 */
export function baselineBuildOptions(): BuildOptions {
  const {
    alias: _alias,
    mainFields: _mainFields,
    ...rest
  } = stackBuildOptions();

  return rest;
}

/** One built function: its code and esbuild's account of what is in it. */
export interface Built {
  entry: string;
  code: Uint8Array;
  /** The source map, when the options ask for one. */
  map?: Uint8Array;
  /** Bytes of the JavaScript file alone (the source map is not counted). */
  bytes: number;
  /** Bytes each package contributes; this project's own code is "(project)". */
  packages: Map<string, number>;
  /** Bytes each input file contributes, by its path from the repository. */
  inputs: Map<string, number>;
  /** Packages (not Node built-ins) left for the runtime to resolve. */
  externals: string[];
}

/**
 * Bundles one entry (a path from the repository root, or module text that
 * is resolved from there) with some options. Nothing is written to disk.
 */
export async function bundle(
  entry: string | { text: string },
  options: BuildOptions
): Promise<Built> {
  const input =
    typeof entry === 'string'
      ? { entryPoints: [join(ROOT, entry)] }
      : {
          stdin: {
            contents: entry.text,
            resolveDir: ROOT,
            loader: 'ts' as const,
          },
        };
  const name = typeof entry === 'string' ? entry : '(inline module)';
  const result = await build({
    ...options,
    ...input,
    outfile: join(ROOT, 'cdk.out', 'bench', 'index.js'),
  });
  const js = result.outputFiles?.find((file) => file.path.endsWith('.js'));

  if (!js || !result.metafile) {
    throw new Error(`esbuild produced no JavaScript for ${name}`);
  }

  const output = outputOf(result.metafile);

  const map = result.outputFiles?.find((file) => file.path.endsWith('.map'));

  return {
    entry: name,
    code: js.contents,
    ...(map ? { map: map.contents } : {}),
    bytes: js.contents.byteLength,
    packages: packageBytes(output),
    inputs: new Map(
      Object.entries(output.inputs).map(([path, input]) => [
        path,
        input.bytesInOutput,
      ])
    ),
    externals: [
      ...new Set(
        output.imports
          .filter((imported) => imported.external && !isBuiltin(imported.path))
          .map((imported) => imported.path)
      ),
    ].sort(),
  };
}

function outputOf(metafile: Metafile): Metafile['outputs'][string] {
  const found = Object.entries(metafile.outputs).find(([path]) =>
    path.endsWith('.js')
  );

  if (!found) {
    throw new Error('the metafile lists no JavaScript output');
  }

  return found[1];
}

function packageBytes(
  output: Metafile['outputs'][string]
): Map<string, number> {
  const totals = new Map<string, number>();

  for (const [path, input] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }

  return totals;
}

/** The npm package a metafile input path belongs to. */
export function packageOf(path: string): string {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');

  if (at < 0) {
    return '(project)';
  }

  const first = parts[at + 1] ?? '';

  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}
