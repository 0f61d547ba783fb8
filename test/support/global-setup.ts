import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningMongo, startMongo } from '../../local/embedded-mongo';

declare global {
  var __MONGO__: RunningMongo | undefined;
}

/** Starts one MongoDB server for the whole run; workers inherit its URI. */
export default async function globalSetup(): Promise<void> {
  const mongo = await startMongo((line) => process.stderr.write(`${line}\n`));

  globalThis.__MONGO__ = mongo;
  process.env.MONGODB_URI = mongo.uri;
  process.env.TEST_MONGO_KIND = mongo.kind;
  process.stderr.write(`tests run on ${mongo.description}\n`);
  const cache = join(__dirname, '..', '..', '.cache');
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'test-database.txt'), `${mongo.description}\n`);
}
