import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { ApiEvent, AuthorizerContext } from '../src/core/http';
import {
  type OperationName,
  type Route,
  routeKey,
  routeOf,
  routes,
} from '../src/routes';

/** A route matched by method and path, with its path parameters. */
export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** What matching a request against the route table found. */
export type MatchResult =
  | { kind: 'route'; match: Match }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

const compiled = routes.map((route) => ({
  route: route as Route,
  pattern: new RegExp(`^${route.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

/** Finds the route for a method and path, as API Gateway would. */
export function matchRoute(method: string, path: string): MatchResult {
  const allowed: string[] = [];

  for (const { route, pattern } of compiled) {
    const found = pattern.exec(path);

    if (!found) {
      continue;
    }

    if (route.method === method) {
      return {
        kind: 'route',
        match: { route, params: { ...(found.groups ?? {}) } },
      };
    }

    allowed.push(route.method);
  }

  return allowed.length > 0
    ? { kind: 'method-not-allowed', allowed }
    : { kind: 'not-found' };
}

/** The parts of an HTTP request an event is built from. */
export interface RawRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
  sourceIp?: string;
}

/**
 * Builds an API Gateway HTTP API (payload 2.0) event: lower-case headers
 * with repeats joined by commas, decoded query parameters with repeats
 * joined by commas, and the body as text or base64.
 */
export function toEvent(
  request: RawRequest,
  match: Match,
  authorizer?: AuthorizerContext
): ApiEvent {
  const [rawPath = '/', rawQueryString = ''] = request.url.split(/\?(.*)/s);
  const headers: Record<string, string> = {};

  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) {
      headers[name.toLowerCase()] = Array.isArray(value)
        ? value.join(',')
        : value;
    }
  }

  const body =
    request.body === undefined || request.body.length === 0
      ? undefined
      : Buffer.from(request.body);
  const isText = body ? isTextual(headers['content-type']) : true;
  const now = new Date();
  const requestId = randomUUID();

  return {
    version: '2.0',
    routeKey: routeKey(match.route),
    rawPath,
    rawQueryString,
    headers,
    ...queryParameters(rawQueryString),
    ...(Object.keys(match.params).length > 0
      ? { pathParameters: match.params }
      : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKey(match.route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer: { lambda: authorizer } } : {}),
    },
    ...(body
      ? {
          body: isText ? body.toString('utf8') : body.toString('base64'),
          isBase64Encoded: !isText,
        }
      : { isBase64Encoded: false }),
  } as ApiEvent;
}

function isTextual(contentType: string | undefined): boolean {
  return (
    contentType === undefined ||
    /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|xml)|application\/x-www-form-urlencoded)/i.test(
      contentType
    )
  );
}

function queryParameters(raw: string): {
  queryStringParameters?: Record<string, string>;
} {
  if (!raw) {
    return {};
  }

  // No prototype: a parameter named __proto__ or constructor stays data.
  const out: Record<string, string> = Object.create(null);

  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = Object.hasOwn(out, key) ? `${out[key]},${value}` : value;
  }

  return { queryStringParameters: out };
}

/** A Lambda context for one local invocation. */
export function lambdaContext(route: Route, requestId: string): Context {
  const deadline = Date.now() + 30_000;
  const name = `local-${route.operation}`;

  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** What a caller sends to one operation of the route table. */
export interface OperationCall {
  params?: Record<string, string>;
  query?: string;
  headers?: Record<string, string>;
  /** Sent as JSON, with its content type unless headers name another. */
  body?: unknown;
  /** Sent as it is, for malformed input. */
  rawBody?: string;
  /** The verdict an authorizer would have attached. */
  authorizer?: AuthorizerContext;
}

/**
 * The event API Gateway would send for a call to an operation, built the
 * way the local server builds it; tests, benchmarks and sample events use
 * it so that all of them see the same shape.
 */
export function eventForOperation(
  name: OperationName,
  call: OperationCall = {}
): ApiEvent {
  const route = routeOf(name);
  const path = route.path.replace(/\{(\w+)\}/g, (_, key: string) =>
    encodeURIComponent(call.params?.[key] ?? '')
  );
  const found = matchRoute(route.method, path);

  if (found.kind !== 'route') {
    throw new Error(`no route for ${route.method} ${path}`);
  }

  const body =
    call.rawBody ??
    (call.body === undefined ? undefined : JSON.stringify(call.body));
  const headers = {
    ...(body !== undefined && call.rawBody === undefined
      ? { 'content-type': 'application/json' }
      : {}),
    ...(call.headers ?? {}),
  };

  return toEvent(
    {
      method: route.method,
      url: call.query ? `${path}?${call.query}` : path,
      headers,
      body,
    },
    found.match,
    call.authorizer
  );
}
