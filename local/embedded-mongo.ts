import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { loadSettings, type Settings } from '../src/core/config';

/** Which server a test run or the local server ended up on. */
export type MongoKind = 'external' | 'mongod' | 'ferretdb';

/** A MongoDB server this process started (or was given). */
export interface RunningMongo {
  kind: MongoKind;
  uri: string;
  /** A short human description, such as "FerretDB 1.24 (SQLite)". */
  description: string;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

const ROOT = resolve(__dirname, '..');
const FERRET_SRC = join(ROOT, 'local', 'ferretdb');
const FERRET_BIN = join(ROOT, '.cache', 'ferretdb', 'ferretdb-embedded');
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Gives a MongoDB server, in this order: MONGODB_URI when set; a real
 * `mongod` from mongodb-memory-server when its binary is cached or can be
 * downloaded; FerretDB on SQLite, built with Go when needed. A choice that
 * cannot work here fails over in seconds, and every choice is logged.
 */
export async function startMongo(
  log: Log = console.log
): Promise<RunningMongo> {
  const given = configuredUri();
  const wanted = process.env.EMBEDDED_MONGO?.trim();

  if (given) {
    log(`database: using ${given.variable}`);
    return {
      kind: 'external',
      uri: given.uri,
      description: `the server at ${given.variable}`,
      stop: async () => {},
    };
  }

  if (wanted !== 'ferretdb') {
    const mongod = await tryMongod(log);

    if (mongod) {
      return mongod;
    }

    if (wanted === 'mongod') {
      throw new Error('EMBEDDED_MONGO=mongod, but no mongod could be had');
    }
  }

  return startFerret(log);
}

/**
 * The URI the configuration names, if any: MONGODB_URI, its DEV_ or PRD_
 * copy, or the MONGO_* parts. Anything else means "start one here".
 */
function configuredUri(): { uri: string; variable: string } | undefined {
  let config: Settings;

  try {
    config = loadSettings();
  } catch {
    return undefined;
  }

  return config.mongo.kind === 'uri'
    ? { uri: config.mongo.uri, variable: config.mongo.variable }
    : undefined;
}

async function tryMongod(log: Log): Promise<RunningMongo | undefined> {
  const { MongoMemoryServer, DryMongoBinary } = await import(
    'mongodb-memory-server-core'
  );
  const options = await DryMongoBinary.generateOptions();
  const cached = await DryMongoBinary.locateBinary(options).catch(
    () => undefined
  );

  if (!cached) {
    const mirror =
      process.env.MONGOMS_DOWNLOAD_MIRROR ?? 'https://fastdl.mongodb.org';
    const reachable = await canReach(mirror);

    if (!reachable) {
      log(
        `database: mongod binary not cached and ${new URL(mirror).host} is out of reach; trying FerretDB`
      );
      return undefined;
    }

    log(`database: downloading mongod ${options.version} (first run only)`);
  }

  try {
    const server = await MongoMemoryServer.create();
    const uri = server.getUri();
    log(`database: mongod ${options.version} from mongodb-memory-server`);

    return {
      kind: 'mongod',
      uri,
      description: `mongod ${options.version} (mongodb-memory-server)`,
      stop: async () => {
        await server.stop();
      },
    };
  } catch (error) {
    log(`database: mongod failed to start (${(error as Error).message})`);
    return undefined;
  }
}

/** Whether a TCP connection to the URL's host opens within a few seconds. */
async function canReach(url: string): Promise<boolean> {
  try {
    const { hostname, port, protocol } = new URL(url);
    const address = await withTimeout(lookup(hostname), PROBE_TIMEOUT_MS);
    const portNumber = Number(port) || (protocol === 'http:' ? 80 : 443);

    return await new Promise<boolean>((done) => {
      const socket = new Socket();
      const finish = (ok: boolean) => {
        socket.destroy();
        done(ok);
      };
      socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
      socket.once('error', () => finish(false));
      socket.connect(portNumber, address.address, () => finish(true));
    });
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        done(value);
      },
      (error) => {
        clearTimeout(timer);
        fail(error);
      }
    );
  });
}

/** The FerretDB binary, built from local/ferretdb when missing or stale. */
export function ferretBinary(log: Log = console.log): string {
  const given = process.env.FERRETDB_BIN;

  if (given) {
    return given;
  }

  if (existsSync(FERRET_BIN) && !isStale()) {
    return FERRET_BIN;
  }

  if (!hasGo()) {
    throw new Error(
      'No MongoDB server available: set MONGODB_URI, allow mongodb-memory-server to download mongod, or install Go so FerretDB can be built'
    );
  }

  log('database: building FerretDB with Go (first run only, about 2 minutes)');
  execFileSync('go', ['build', '-o', FERRET_BIN, '.'], {
    cwd: FERRET_SRC,
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  return FERRET_BIN;
}

function isStale(): boolean {
  const built = statSync(FERRET_BIN).mtimeMs;

  return ['main.go', 'go.mod', 'go.sum'].some(
    (file) => statSync(join(FERRET_SRC, file)).mtimeMs > built
  );
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? done(address.port)
          : fail(new Error('no port'))
      );
    });
  });
}

/** Starts FerretDB on SQLite in a temporary folder, on a free port. */
export async function startFerret(
  log: Log = console.log
): Promise<RunningMongo> {
  const binary = ferretBinary(log);
  const dir = mkdtempSync(join(tmpdir(), 'blog-ferretdb-'));
  const port = await freePort();
  const child = spawn(
    binary,
    ['-listen', `127.0.0.1:${port}`, '-dir', join(dir, 'data')],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const uri = `mongodb://127.0.0.1:${port}/`;

  try {
    await waitForListening(child);
    await waitForPing(uri);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  log(`database: FerretDB 1.24 (SQLite) on 127.0.0.1:${port}`);

  return {
    kind: 'ferretdb',
    uri,
    description: 'FerretDB 1.24 (SQLite backend)',
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitForListening(child: ChildProcess): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error('FerretDB did not start within 20 s')),
      20_000
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`FerretDB exited with code ${code}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) {
        clearTimeout(timer);
        done();
      }
    });
  });
}

async function waitForPing(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });

  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }

  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}
