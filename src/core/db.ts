import {
  type Collection,
  type Db,
  type Document,
  type IndexDescription,
  MongoClient,
  type MongoClientOptions,
} from 'mongodb';
import { checkUri, redact, type Settings, settings } from './config';
import { ConfigError, isUnavailable, ServiceUnavailableError } from './errors';
import { LogMessage, logger } from './logger';

/**
 * Driver options for a Lambda container, each set on purpose:
 * - maxPoolSize 2: a container serves one request at a time; the second
 *   connection lets a page and its total count run side by side.
 * - minPoolSize 0: a frozen container should not hold sockets open.
 * - maxIdleTimeMS 60 s: a socket idle that long may have been cut while the
 *   container was frozen, so it is dropped instead of reused.
 * - serverSelectionTimeoutMS 3 s: fail fast with a 503 well inside API
 *   Gateway's 30 s limit instead of hanging on an unreachable cluster.
 * - connectTimeoutMS 3 s: the same bound for opening one socket.
 * - retryWrites and retryReads: one transparent retry on a failover.
 */
export const LAMBDA_CLIENT_OPTIONS = {
  maxPoolSize: 2,
  minPoolSize: 0,
  maxIdleTimeMS: 60_000,
  serverSelectionTimeoutMS: 3_000,
  connectTimeoutMS: 3_000,
  retryWrites: true,
  retryReads: true,
  appName: 'blog-api',
} as const satisfies MongoClientOptions;

interface Connection {
  client: MongoClient;
  db: Db;
}

let connecting: Promise<Connection> | undefined;
let extraOptions: MongoClientOptions = {};
const ensured = new Map<
  string,
  { db: Db; coll: Collection<Document>; indexes: Promise<void> }
>();

/**
 * Overrides driver options before the first connect; the local server and
 * the benchmarks use it, Lambda handlers keep the defaults.
 */
export function configureClient(options: MongoClientOptions): void {
  extraOptions = { ...extraOptions, ...options };
}

/**
 * The container's database handle. The client is created on first use and
 * reused; a failed connect is forgotten so the next request tries again.
 */
export function getDb(): Promise<Db> {
  if (!connecting) {
    const attempt = connect(settings());
    connecting = attempt;
    attempt.catch(() => {
      if (connecting === attempt) {
        connecting = undefined;
      }
    });
  }

  return connecting.then((connection) => connection.db);
}

/** The client behind getDb, for tools that need driver-level access. */
export async function getClient(): Promise<MongoClient> {
  await getDb();
  const connection = await connecting;

  if (!connection) {
    throw new ServiceUnavailableError();
  }

  return connection.client;
}

/** Closes the client, if any, so a process can exit cleanly. */
export async function closeDb(): Promise<void> {
  const current = connecting;
  connecting = undefined;
  ensured.clear();

  if (current) {
    const connection = await current.catch(() => undefined);
    await connection?.client.close();
  }
}

/** A collection and the indexes declared beside its model. */
export interface CollectionSpec {
  name: string;
  /** Every index is named, so start-up can tell which already exist. */
  indexes: (IndexDescription & { name: string })[];
}

/**
 * The collection for a model, with its indexes ensured once per container
 * (never per request). A failed index build is retried on the next call.
 */
export async function collection<T extends Document>(
  spec: CollectionSpec
): Promise<Collection<T>> {
  const db = await getDb();
  let ready = ensured.get(spec.name);

  if (!ready || ready.db !== db) {
    // The driver resolves options for every Collection object it makes, so
    // one is made per database handle and kept.
    const coll = db.collection(spec.name);
    const indexes = ensureIndexes(coll, spec);

    ready = { db, coll, indexes };
    ensured.set(spec.name, ready);
    indexes.catch(() => ensured.delete(spec.name));
  }

  await ready.indexes;

  return ready.coll as unknown as Collection<T>;
}

/**
 * Creates the indexes a model declares that the collection lacks. Reading
 * the list first means a warm deployment issues no index builds at all,
 * and lets a database user without the createIndex privilege run the API
 * once the indexes exist. Missing indexes are created one per call, which
 * also keeps FerretDB 1.x from failing on a batch that partly exists.
 */
export async function ensureIndexes<T extends Document>(
  coll: Collection<T>,
  spec: CollectionSpec
): Promise<void> {
  if (spec.indexes.length === 0) {
    return;
  }

  try {
    const existing = new Set(
      (await coll.listIndexes().toArray().catch(ifMissing([]))).map(
        (index) => index.name as string
      )
    );

    for (const index of spec.indexes) {
      if (!existing.has(index.name)) {
        await coll.createIndexes([index]);
      }
    }
  } catch (error) {
    throw asUnavailable(error);
  }

  logger.debug(LogMessage.dbIndexesEnsured, { collection: spec.name });
}

const NAMESPACE_NOT_FOUND = 26;

/** Treats "collection does not exist" as an empty answer. */
function ifMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if ((error as { code?: number }).code === NAMESPACE_NOT_FOUND) {
      return fallback;
    }
    throw error;
  };
}

async function connect(config: Settings): Promise<Connection> {
  const uri = await resolveUri(config);
  const options = { ...LAMBDA_CLIENT_OPTIONS, ...extraOptions };
  let client: MongoClient;

  try {
    client = new MongoClient(uri, options);
  } catch (error) {
    throw new ConfigError(
      `invalid configuration: ${config.mongo.variable} is not a usable connection string (${redact(String((error as Error).message))})`
    );
  }

  logger.debug(LogMessage.dbConnecting, { hosts: hostsOf(uri) });

  try {
    await client.connect();
  } catch (error) {
    logger.warn(LogMessage.dbConnectFailed, {
      hosts: hostsOf(uri),
      error: (error as Error).name,
    });
    await client.close().catch(() => undefined);
    throw new ServiceUnavailableError(error);
  }

  logger.debug(LogMessage.dbConnected, { hosts: hostsOf(uri) });

  return { client, db: client.db(databaseName(uri, config)) };
}

async function resolveUri(config: Settings): Promise<string> {
  if (config.mongo.kind === 'uri') {
    return config.mongo.uri;
  }

  const uri = await readSecret(config.mongo.secretId);
  checkUri(uri, `the secret named by ${config.mongo.variable}`);
  logger.debug(LogMessage.secretRead);

  return uri;
}

/**
 * Reads the connection string from Secrets Manager. The SDK ships with the
 * Lambda runtime, so it is loaded only here and left out of the bundle.
 */
async function readSecret(secretId: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const client = new SecretsManagerClient({});

  try {
    const out = await client.send(
      new GetSecretValueCommand({ SecretId: secretId })
    );
    return uriFromSecret(out.SecretString ?? '');
  } catch (error) {
    if (error instanceof ConfigError) {
      throw error;
    }
    throw new ServiceUnavailableError(error);
  } finally {
    client.destroy();
  }
}

/** Accepts a bare URI or a JSON object with a `uri` or `MONGODB_URI` key. */
export function uriFromSecret(secret: string): string {
  const text = secret.trim();

  if (!text.startsWith('{')) {
    return text;
  }

  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const uri = value.uri ?? value.MONGODB_URI;

    if (typeof uri === 'string') {
      return uri.trim();
    }
  } catch {
    // fall through to the error below
  }

  throw new ConfigError(
    'invalid configuration: the secret must hold a URI, or JSON with a "uri" key'
  );
}

function databaseName(uri: string, config: Settings): string {
  if (config.dbName) {
    return config.dbName;
  }

  const path = /^[^/]*\/\/[^/]*\/([^?]*)/.exec(uri)?.[1];

  return path ? decodeURIComponent(path) : `blog_${config.stage}`;
}

function hostsOf(uri: string): string {
  return /^[^/]*\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri)?.[1] ?? 'unknown';
}

/** Turns a connectivity error into a 503; other errors pass through. */
export function asUnavailable(error: unknown): unknown {
  return isUnavailable(error) ? new ServiceUnavailableError(error) : error;
}
