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
    // ES modules that locate files with import.meta.url get the CommonJS
    // equivalent, since import.meta does not exist in CommonJS.
    const meta = source.includes('import.meta.url')
      ? {
          define: { 'import.meta.url': '__importMetaUrl' },
          banner:
            "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
        }
      : {};
    const { code, map } = transformSync(source, {
      ...OPTIONS,
      ...meta,
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      sourcefile: filename,
    });

    return { code, map };
  },
};
