import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { AuthorizerResult } from '../functions/authorizer';
import { settings } from '../src/core/config';
import {
  type CorsConfig,
  corsConfig,
  corsHeaders,
  preflightHeaders,
} from '../src/core/cors';
import { closeDb, configureClient } from '../src/core/db';
import { MethodNotAllowedError, NotFoundError } from '../src/core/errors';
import type { ApiEvent, ApiResult, AuthorizerContext } from '../src/core/http';
import { SECURITY_HEADERS } from '../src/core/http';
import { toProblem } from '../src/core/problem';
import { createApiKey } from '../src/models/api-key';
import { AUTHORIZER_CACHE_SECONDS, type Route } from '../src/routes';

import { lambdaContext, matchRoute, type RawRequest, toEvent } from './apigw';
import { type RunningMongo, startMongo } from './embedded-mongo';
import { seedIfEmpty } from './seed';

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
type Authorizer = (
  event: unknown,
  context: Context
) => Promise<AuthorizerResult>;

const ROOT = join(__dirname, '..');
// API Gateway accepts up to 10 MB; the handlers refuse far less, but the
// server stops reading early so a huge body cannot fill its memory.
const READ_LIMIT_BYTES = 1024 * 1024;

export interface LocalServer {
  url: string;
  adminKey: string;
  mongo: RunningMongo;
  close(): Promise<void>;
}

export interface LocalServerOptions {
  port?: number;
  host?: string;
  seed?: boolean;
  log?: (line: string) => void;
}

/**
 * Serves the route table over HTTP the way API Gateway would: it builds a
 * payload 2.0 event per request, runs the authorizer before admin routes,
 * and calls the same handler modules the Lambda functions bundle.
 */
export async function startLocalServer(
  options: LocalServerOptions = {}
): Promise<LocalServer> {
  const log = options.log ?? console.log;
  const mongo = await startMongo(log);

  process.env.MONGODB_URI = mongo.uri;
  // One process serves many requests at once, unlike a Lambda container.
  configureClient({ maxPoolSize: 20 });

  const cors = corsConfig(settings().stage, process.env.CORS_ALLOWED_ORIGINS);

  if (options.seed !== false) {
    const added = await seedIfEmpty();
    if (added > 0) {
      log(`seeded ${added} sample articles`);
    }
  }

  const { key } = await createApiKey('local');
  const authorizer = await loadAuthorizer();
  const verdicts = new VerdictCache(AUTHORIZER_CACHE_SECONDS * 1000);
  const server = createServer((req, res) => {
    serve(req, res, { cors, authorizer, verdicts, log }).catch((error) => {
      log(`local server error: ${(error as Error).message}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
      }
      res.end('{"message":"Internal Server Error"}');
    });
  });

  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const host = options.host ?? '127.0.0.1';
  await listen(server, port, host);
  const address = server.address();
  const actualPort =
    typeof address === 'object' && address ? address.port : port;

  return {
    url: `http://${host}:${actualPort}`,
    adminKey: key,
    mongo,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await closeDb();
      await mongo.stop();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done());
  });
}

const handlers = new Map<string, Promise<Handler>>();

function loadHandler(route: Route): Promise<Handler> {
  let loaded = handlers.get(route.entry);

  if (!loaded) {
    loaded = import(join(ROOT, route.entry)).then(
      (mod: { handler: Handler }) => mod.handler
    );
    handlers.set(route.entry, loaded);
  }

  return loaded;
}

async function loadAuthorizer(): Promise<Authorizer> {
  const mod = (await import(join(ROOT, 'functions', 'authorizer.ts'))) as {
    handler: Authorizer;
  };

  return mod.handler;
}

/** API Gateway's authorizer cache: verdicts keyed by the header, briefly. */
class VerdictCache {
  private readonly entries = new Map<
    string,
    { verdict: AuthorizerContext; until: number }
  >();

  constructor(private readonly ttlMs: number) {}

  get(header: string): AuthorizerContext | undefined {
    const entry = this.entries.get(header);

    if (!entry || entry.until < Date.now()) {
      this.entries.delete(header);
      return undefined;
    }

    return entry.verdict;
  }

  set(header: string, verdict: AuthorizerContext): void {
    if (this.ttlMs > 0) {
      this.entries.set(header, { verdict, until: Date.now() + this.ttlMs });
    }
  }
}

interface ServeContext {
  cors: CorsConfig;
  authorizer: Authorizer;
  verdicts: VerdictCache;
  log: (line: string) => void;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ServeContext
): Promise<void> {
  const started = Date.now();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const path = url.split('?')[0] ?? '/';
  const origin = header(req, 'origin');
  let result: ApiResult;

  if (
    method === 'OPTIONS' &&
    origin &&
    header(req, 'access-control-request-method')
  ) {
    const allowed = preflightHeaders(origin, ctx.cors);
    res.writeHead(allowed ? 204 : 403, allowed ?? {});
    res.end();
    return;
  }

  const found = matchRoute(method, path);

  if (found.kind !== 'route') {
    result = gatewayProblem(
      found.kind === 'method-not-allowed'
        ? new MethodNotAllowedError(found.allowed)
        : new NotFoundError('No route matches this path.'),
      path
    );
  } else {
    const body = await readBody(req);

    if (body === undefined) {
      result = {
        statusCode: 413,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Request Entity Too Large"}',
      };
    } else {
      result = await invoke(
        found.match,
        {
          method,
          url,
          headers: req.headers,
          body,
          sourceIp: req.socket.remoteAddress,
        },
        ctx
      );
    }
  }

  const headers = { ...result.headers, ...corsHeaders(origin, ctx.cors) };
  const payload =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');

  if (payload) {
    headers['content-length'] = String(payload.length);
  }

  res.writeHead(result.statusCode, headers);
  res.end(payload);
  ctx.log(`${method} ${url} ${result.statusCode} ${Date.now() - started}ms`);
}

async function invoke(
  match: NonNullable<
    Extract<ReturnType<typeof matchRoute>, { kind: 'route' }>['match']
  >,
  request: RawRequest,
  ctx: ServeContext
): Promise<ApiResult> {
  const authorization = header(request, 'authorization');
  let verdict: AuthorizerContext | undefined;

  // Like API Gateway, only admin routes run the authorizer, and only when
  // the identity source (the Authorization header) is present.
  if (match.route.auth === 'admin' && authorization) {
    verdict = ctx.verdicts.get(authorization);

    if (!verdict) {
      const event = toEvent(request, match);
      const decided = await ctx.authorizer(
        {
          ...event,
          type: 'REQUEST',
          routeArn: 'local',
          identitySource: [authorization],
        },
        lambdaContext(match.route, event.requestContext.requestId)
      );
      verdict = decided.context;
      ctx.verdicts.set(authorization, verdict);
    }
  }

  const event = toEvent(request, match, verdict);
  const handler = await loadHandler(match.route);

  return handler(
    event,
    lambdaContext(match.route, event.requestContext.requestId)
  );
}

function gatewayProblem(error: Error, path: string): ApiResult {
  const problem = toProblem(error, { instance: path });

  return {
    ...problem,
    statusCode: problem.statusCode ?? 500,
    headers: { ...SECURITY_HEADERS, ...problem.headers },
  };
}

function header(
  req: { headers: Record<string, string | string[] | undefined> },
  name: string
): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;

    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > READ_LIMIT_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        done(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

async function main(): Promise<void> {
  const server = await startLocalServer();
  let closing = false;

  const stop = async () => {
    if (closing) {
      return;
    }
    closing = true;
    console.log('stopping...');
    await server.close();
    process.exit(0);
  };

  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log(`Admin API key (local only): ${server.adminKey}`);
  console.log(
    `Blog API on ${server.url} (docs: ${server.url}/docs); Ctrl-C stops it and the database`
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
