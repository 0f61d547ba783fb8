import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { documentPaths, openApiDocument } from '../src/openapi';

const target = resolve(
  process.argv[2] ?? join(__dirname, '..', 'openapi.json')
);

writeFileSync(target, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${documentPaths().length} operations to ${target}`);
