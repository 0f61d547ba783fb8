import { join } from 'node:path';
import { lambdaContext, matchRoute, toEvent } from '../../local/apigw';
import type {
  ApiEvent,
  ApiResult,
  AuthorizerContext,
} from '../../src/core/http';
import { type OperationName, routeOf } from '../../src/routes';

/** What a test sends to a handler. */
export interface Call {
  params?: Record<string, string>;
  query?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body text, sent as is (for malformed input). */
  rawBody?: string;
  /** The verdict an authorizer would have attached. */
  authorizer?: AuthorizerContext;
}

/** A handler's answer with its body parsed when it is JSON. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
  raw: ApiResult;
}

export const ADMIN: AuthorizerContext = {
  admin: true,
  key_id: '000000000000000000000000',
  key_name: 'test',
};

type Handler = (event: ApiEvent, context: unknown) => Promise<ApiResult>;

/** Builds the event API Gateway would send for a route. */
export function eventFor(name: OperationName, call: Call = {}): ApiEvent {
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

/** Calls the fully wrapped handler of an operation with a real event. */
export async function invoke(
  name: OperationName,
  call: Call = {}
): Promise<Reply> {
  const route = routeOf(name);
  const mod = (await import(join(__dirname, '..', '..', route.entry))) as {
    handler: Handler;
  };
  const event = eventFor(name, call);
  const raw = await mod.handler(
    event,
    lambdaContext(route, event.requestContext.requestId)
  );
  const type = raw.headers['content-type'] ?? '';
  const body =
    raw.body !== undefined && type.includes('json')
      ? JSON.parse(raw.body)
      : raw.body;

  return { status: raw.statusCode, headers: raw.headers, body, raw };
}
