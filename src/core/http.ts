import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Admin } from '../models/api-key';
import {
  type OperationName,
  type Route,
  type RouteOf,
  routeKey,
  routeOf,
} from '../routes';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';
import { LogMessage, logContext, logger } from './logger';
import { toProblem } from './problem';
import { parseInput } from './validate';

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** How long public readers and shared caches may keep a response. */
export const PUBLIC_MAX_AGE_SECONDS = 60;

/** What an authorizer puts in the request context for the handlers. */
export interface AuthorizerContext {
  admin: boolean | string;
  key_id?: string;
  key_name?: string;
  reason?: string;
}

export type ApiEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { lambda?: AuthorizerContext } };
};
export type ApiResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

type Out<T> = T extends z.ZodMiniType ? z.output<T> : undefined;
type Field<R, K extends string> = R extends Record<K, infer S> ? Out<S> : never;

/** A request after parsing and validation, typed by its route. */
export interface ApiRequest<R extends Route> {
  route: R;
  event: ApiEvent;
  headers: Readonly<Record<string, string>>;
  params: Field<R, 'params'>;
  query: Field<R, 'query'>;
  body: Field<R, 'body'>;
  /** The admin the key proves, or undefined for an anonymous reader. */
  admin: Admin | undefined;
  requestId: string;
}

/** What a handler returns; the wrapper turns it into an HTTP response. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  /** A strong ETag; GET responses without one get a weak body hash. */
  etag?: string;
  headers?: Record<string, string>;
  /** Raw text for non-JSON bodies, with its content type. */
  text?: { contentType: string; value: string };
}

/** Checks an Authorization header and names the admin it proves. */
export type KeyVerifier = (header: string) => Promise<Admin>;

export interface OperationOptions {
  /**
   * Public routes that use the database accept an admin key for the admin
   * view. The verifier is passed in rather than imported so that routes
   * without a database (the docs) bundle no database code at all.
   */
  verifyKey?: KeyVerifier;
}

type Operation<N extends OperationName> = (
  request: ApiRequest<RouteOf<N>>
) => Promise<ApiResponse>;

/** Headers sent on every response, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Wraps an operation's handler in the one middleware chain every Lambda
 * shares: request logging, header normalisation, body and parameter
 * validation, authorization, conditional requests and the error map.
 */
export function operation<N extends OperationName>(
  name: N,
  fn: Operation<N>,
  options: OperationOptions = {}
): (event: ApiEvent, context: Context) => Promise<ApiResult> {
  const route: Route = routeOf(name);
  const key = routeKey(route);

  if (
    route.auth === 'public' &&
    route.database !== false &&
    !options.verifyKey
  ) {
    // Without a verifier a sent key would be ignored, and an admin would
    // silently get the public view; refuse at cold start instead.
    throw new Error(`operation ${name} reads admin keys: pass verifyKey`);
  }

  const core = async (event: ApiEvent, context: Context) => {
    const request = await prepare(route, event, context, options);
    const response = await fn(request as ApiRequest<RouteOf<N>>);

    return finish(route, request, response);
  };

  return middy<ApiEvent, ApiResult>(core)
    .use(logContext())
    .use({
      before: (request) => {
        logger.appendKeys({ route: key });
        request.internal.startedAt = Date.now();
      },
      after: (request) => logDone(request),
      onError: (request) => {
        const event = request.event;
        request.response = withCommonHeaders(
          toProblem(request.error, {
            instance: event.rawPath,
            requestId: event.requestContext?.requestId,
          })
        );
        logDone(request);
      },
    });
}

function logDone(request: {
  response?: ApiResult;
  internal: Record<string, unknown>;
}): void {
  const started = Number(request.internal.startedAt ?? Date.now());

  logger.debug(LogMessage.requestDone, {
    status: request.response?.statusCode,
    duration_ms: Date.now() - started,
  });
}

async function prepare(
  route: Route,
  event: ApiEvent,
  context: Context,
  options: OperationOptions
): Promise<ApiRequest<Route>> {
  const headers = normalizeHeaders(event.headers);
  // Who is asking comes first: an anonymous caller of an admin route learns
  // nothing about its input rules.
  const admin = await authenticate(route, event, headers, options.verifyKey);
  const params = route.params
    ? parseInput(route.params, decodeParams(event.pathParameters), {
        source: 'path',
      })
    : {};
  const query = route.query
    ? parseInput(route.query, event.queryStringParameters ?? {}, {
        source: 'query',
      })
    : {};
  const body = route.body
    ? parseInput(route.body, readJson(route, event, headers), {
        source: 'body',
        readOnly: route.readOnly,
      })
    : undefined;

  return {
    route,
    event,
    headers,
    params,
    query,
    body,
    admin,
    requestId: event.requestContext?.requestId ?? context.awsRequestId,
  } as ApiRequest<Route>;
}

/**
 * Admin routes trust only what the authorizer decided. Public routes check
 * a key themselves when one is sent, since it unlocks the admin view there.
 */
async function authenticate(
  route: Route,
  event: ApiEvent,
  headers: Record<string, string>,
  verifyKey: KeyVerifier | undefined
): Promise<Admin | undefined> {
  if (route.auth === 'admin') {
    const decided = event.requestContext?.authorizer?.lambda;

    if (String(decided?.admin) === 'true' && decided?.key_id) {
      return { keyId: decided.key_id, name: decided.key_name ?? '' };
    }

    throw new UnauthorizedError(decided?.reason);
  }

  if (!verifyKey || headers.authorization === undefined) {
    return undefined;
  }

  return verifyKey(headers.authorization);
}

/** Lower-cases header names; API Gateway already joins repeated headers. */
export function normalizeHeaders(
  headers: Record<string, string | undefined> | undefined
): Record<string, string> {
  const out: Record<string, string> = {};

  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) {
      out[name.toLowerCase()] = value;
    }
  }

  return out;
}

function decodeParams(
  params: Record<string, string | undefined> | undefined
): Record<string, string> {
  const out: Record<string, string> = {};

  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== undefined) {
      try {
        out[name] = decodeURIComponent(value);
      } catch {
        out[name] = value;
      }
    }
  }

  return out;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function readJson(
  route: Route,
  event: ApiEvent,
  headers: Record<string, string>
): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded
    ? Buffer.from(raw, 'base64')
    : Buffer.from(raw, 'utf8');

  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(MAX_BODY_BYTES);
  }

  if (bytes.length === 0) {
    if (route.bodyOptional) {
      return {};
    }

    throw new ValidationError([
      { path: 'body', rule: 'required', message: 'a JSON body is required' },
    ]);
  }

  if (!JSON_TYPE.test(headers['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeError();
  }

  let value: unknown;

  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BadRequestError('The body is not valid JSON.', 'malformed_json');
  }

  rejectOperatorKeys(value, '');

  return value;
}

/** How deeply a request body may nest objects and arrays. */
export const MAX_BODY_DEPTH = 16;

/**
 * Refuses keys that MongoDB would read as operators or paths anywhere in
 * the body, and nesting deeper than any valid body needs, before any schema
 * sees them.
 */
function rejectOperatorKeys(value: unknown, path: string, depth = 0): void {
  if (value === null || typeof value !== 'object') {
    return;
  }

  if (depth >= MAX_BODY_DEPTH) {
    throw new ValidationError([
      {
        path: path || 'body',
        rule: 'max_depth',
        message: `nests deeper than ${MAX_BODY_DEPTH} levels`,
      },
    ]);
  }

  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      rejectOperatorKeys(item, `${path}[${i}]`, depth + 1);
    }
    return;
  }

  for (const [key, inner] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;

    if (key.startsWith('$') || key.includes('.') || key === '__proto__') {
      throw new ValidationError([
        {
          path: where,
          rule: 'forbidden_key',
          message: 'keys may not start with "$", contain "." or be "__proto__"',
        },
      ]);
    }

    rejectOperatorKeys(inner, where, depth + 1);
  }
}

function finish(
  route: Route,
  request: ApiRequest<Route>,
  response: ApiResponse
): ApiResult {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let body: string | undefined;

  if (response.text) {
    headers['content-type'] = response.text.contentType;
    body = response.text.value;
  } else if (response.body !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(response.body);
  }

  const isRead = route.method === 'GET';

  if (isRead) {
    headers['cache-control'] = request.admin
      ? 'private, no-store'
      : `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`;
    headers.vary = 'Authorization';
  } else {
    headers['cache-control'] = 'no-store';
  }

  const etag =
    response.etag ??
    (isRead && route.conditional && body !== undefined
      ? weakEtag(body)
      : undefined);

  if (etag) {
    headers.etag = etag;
  }

  if (
    isRead &&
    etag &&
    response.status === 200 &&
    noneMatch(request.headers['if-none-match'], etag)
  ) {
    return withCommonHeaders({ statusCode: 304, headers });
  }

  return withCommonHeaders({
    statusCode: response.status,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

function withCommonHeaders(
  result: APIGatewayProxyStructuredResultV2 & {
    headers: Record<string, string>;
  }
): ApiResult {
  return {
    ...result,
    statusCode: result.statusCode ?? 200,
    headers: { ...SECURITY_HEADERS, ...result.headers },
  };
}

/** A weak validator from the body bytes, for responses without a version. */
export function weakEtag(body: string): string {
  const digest = createHash('sha256').update(body).digest('base64url');

  return `W/"${digest.slice(0, 27)}"`;
}

/** `If-None-Match` uses the weak comparison: W/ prefixes are ignored. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) {
    return false;
  }

  if (header.trim() === '*') {
    return true;
  }

  const bare = (tag: string) => tag.trim().replace(/^W\//, '');

  return header.split(',').some((tag) => bare(tag) === bare(etag));
}
