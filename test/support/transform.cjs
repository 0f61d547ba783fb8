// Compiles TypeScript (and the ESM-only packages jest meets) to CommonJS
// with esbuild, which the project already uses to bundle its functions.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

const OPTIONS = {
  format: 'cjs',
  target: 'node20',
  sourcemap: 'external',
  // jest runs CommonJS: import() becomes require() so that jest's module
  // registry sees every module.
  supported: { 'dynamic-import': false },
};
const SELF = createHash('sha256')
  .update(readFileSync(__filename))
  .update(version)
  .digest('hex');

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(SELF)
      .update(filename)
      .update(source)
      .digest('hex');
  },
  process(source, filename) {
    const { code, map } = transformSync(source, {
      ...OPTIONS,
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      sourcefile: filename,
    });

    return { code, map };
  },
};
