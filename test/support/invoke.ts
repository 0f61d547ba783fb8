import { join } from 'node:path';
import {
  eventForOperation,
  lambdaContext,
  type OperationCall,
} from '../../local/apigw';
import type {
  ApiEvent,
  ApiResult,
  AuthorizerContext,
} from '../../src/core/http';
import { type OperationName, routeOf } from '../../src/routes';

/** What a test sends to a handler. */
export type Call = OperationCall;

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
export const eventFor = eventForOperation;

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
