import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';
import { eventForOperation, lambdaContext } from '../local/apigw';
import { resetSettings } from '../src/core/config';
import {
  closeDb,
  configureClient,
  getDb,
  LAMBDA_CLIENT_OPTIONS,
} from '../src/core/db';
import type { ApiEvent, ApiResult, AuthorizerContext } from '../src/core/http';
import { type OperationName, routeOf } from '../src/routes';
import { ROOT } from './paths';

/** A handler as the Lambda runtime calls it. */
export type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/** The verdict the authorizer gives a valid admin key. */
export const ADMIN_VERDICT: AuthorizerContext = {
  admin: true,
  key_id: '0000000000000000000000be',
  key_name: 'bench',
};

// Options that undo whatever an earlier benchmark configured, so each one
// starts from the client a Lambda container would create.
const LAMBDA_DEFAULTS: MongoClientOptions = {
  maxPoolSize: LAMBDA_CLIENT_OPTIONS.maxPoolSize,
  connectTimeoutMS: LAMBDA_CLIENT_OPTIONS.connectTimeoutMS,
  monitorCommands: false,
  mongodbLogPath: 'stderr',
  mongodbLogComponentSeverities: { default: 'off' },
};

/**
 * Runs some work on a database through a client of its own, apart from
 * the handlers' client, so that seeding never counts as handler traffic.
 */
export async function withDirectDb<T>(
  name: string,
  work: (db: Db) => Promise<T>
): Promise<T> {
  const uri = process.env.MONGODB_URI;

  if (!uri) {
    throw new Error('MONGODB_URI is not set; bench/run.ts sets it');
  }

  const client = new MongoClient(uri, { maxPoolSize: 4 });

  try {
    await client.connect();
    return await work(client.db(name));
  } finally {
    await client.close();
  }
}

/**
 * Points the handlers at an empty database of their own and forgets the
 * current client, so the next request connects afresh with the given
 * options on top of the Lambda defaults.
 */
export async function useDatabase(
  name: string,
  options: MongoClientOptions = {}
): Promise<void> {
  await closeDb();
  process.env.MONGO_DB = name;
  resetSettings();
  configureClient({ ...LAMBDA_DEFAULTS, ...options });
  await withDirectDb(name, (db) => db.dropDatabase());
}

/** Drops the benchmark's database and closes the handlers' client. */
export async function leaveDatabase(): Promise<void> {
  try {
    await (await getDb()).dropDatabase();
  } finally {
    await closeDb();
  }
}

/** The wrapped handler of an operation, loaded like the local server does. */
export async function loadHandler(name: OperationName): Promise<Handler> {
  const mod = (await import(join(ROOT, routeOf(name).entry))) as {
    handler: Handler;
  };

  return mod.handler;
}

/** What one request carries. */
export interface Call {
  params?: Record<string, string>;
  query?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Whether the authorizer found an admin key. */
  admin?: boolean;
}

/** A real API Gateway payload 2.0 event and a Lambda context for a call. */
export function requestFor(
  name: OperationName,
  call: Call = {}
): { event: ApiEvent; context: Context } {
  const event = eventForOperation(name, {
    ...(call.params ? { params: call.params } : {}),
    ...(call.query ? { query: call.query } : {}),
    ...(call.body === undefined ? {} : { body: call.body }),
    headers: {
      host: '127.0.0.1',
      'user-agent': 'blog-api-bench',
      accept: 'application/json',
      ...(call.headers ?? {}),
    },
    ...(call.admin ? { authorizer: ADMIN_VERDICT } : {}),
  });

  return {
    event,
    context: lambdaContext(routeOf(name), event.requestContext.requestId),
  };
}

/** Calls a handler with a fresh event and fails on an unexpected status. */
export async function invoke(
  handler: Handler,
  name: OperationName,
  call: Call = {},
  expected = 200
): Promise<ApiResult> {
  const { event, context } = requestFor(name, call);
  const result = await handler(event, context);

  if (result.statusCode !== expected) {
    throw new Error(
      `${name} answered ${result.statusCode}, not ${expected}: ${result.body}`
    );
  }

  return result;
}
