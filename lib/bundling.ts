import { dirname, join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Module paths esbuild must resolve differently from the default. */
export const ALIASES: Readonly<Record<string, string>> = {
  // Smaller stand-in for a package the driver uses: see the file.
  'whatwg-url': join(__dirname, 'shims', 'whatwg-url.ts'),
  // bson ships an ES build (picked for our imports) and a CommonJS build
  // (picked for the driver's require). Bundling both would duplicate it
  // and make an ObjectId from the driver fail `instanceof` against ours, so
  // both go to the ES build for Node, which esbuild can also tree-shake.
  bson: join(dirname(require.resolve('bson')), 'bson.node.mjs'),
};

/**
 * Packages the runtime provides, or that the MongoDB driver loads only when
 * a feature asks for them (Kerberos, client-side encryption, compression,
 * SOCKS, cloud credentials). Leaving them out keeps every bundle small and
 * free of native code; the driver reports a clear error if one is needed.
 */
export const EXTERNAL_MODULES = [
  '@aws-sdk/*',
  '@smithy/*',
  'kerberos',
  'mongodb-client-encryption',
  '@mongodb-js/zstd',
  'snappy',
  'socks',
  'aws4',
  'gcp-metadata',
  '@aws-sdk/credential-providers',
];

/** How every function is bundled; the benchmarks reuse these options. */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.CJS,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  keepNames: false,
  metafile: true,
  externalModules: EXTERNAL_MODULES,
  esbuildArgs: Object.fromEntries(
    Object.entries(ALIASES).map(([name, path]) => [`--alias:${name}`, path])
  ),
};
