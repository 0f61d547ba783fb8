import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  ApiError,
  ConfigError,
  type FieldIssue,
  isUnavailable,
  ServiceUnavailableError,
} from './errors';
import { LogMessage, logger } from './logger';

/** An RFC 9457 problem document, as every error response carries it. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.optional(z.string()),
  code: z.string(),
  request_id: z.optional(z.string()),
  errors: z.optional(
    z.array(
      z.object({ path: z.string(), rule: z.string(), message: z.string() })
    )
  ),
});
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_TYPE = 'application/problem+json';

const INTERNAL_DETAIL =
  'Something went wrong on our side; the request id helps us find it.';

/**
 * The one place that turns any error into a response. Client errors keep
 * their detail; everything else is logged in full and answered with a bare
 * 500 (or 503 when the database is out of reach).
 */
export function toProblem(
  thrown: unknown,
  context: { instance?: string; requestId?: string } = {}
): APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> } {
  const error = isUnavailable(thrown)
    ? new ServiceUnavailableError(thrown)
    : thrown;

  if (error instanceof ApiError && error.status < 500) {
    logger.info(LogMessage.requestRefused, {
      status: error.status,
      code: error.code,
    });
  } else {
    logger.error(LogMessage.requestFailed, describe(error));
  }

  const known = error instanceof ApiError ? error : undefined;
  const status = known?.status ?? 500;
  const code = known?.code ?? 'internal_error';
  const body: Problem = {
    type: `/docs#problem-${code}`,
    title: known?.title ?? 'Internal server error',
    status,
    detail:
      known && (known.expose || status === 503)
        ? known.message
        : INTERNAL_DETAIL,
    code,
    ...(context.instance ? { instance: context.instance } : {}),
    ...(context.requestId ? { request_id: context.requestId } : {}),
    ...(known && 'errors' in known
      ? { errors: (known as ApiError & { errors: FieldIssue[] }).errors }
      : {}),
  };

  return {
    statusCode: status,
    headers: {
      'content-type': PROBLEM_TYPE,
      'cache-control': 'no-store',
      ...(known?.headers ?? {}),
    },
    body: JSON.stringify(body),
  };
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof ConfigError) {
    return { error: error.name, reason: error.message };
  }

  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? error.cause : undefined;

    return {
      error: error.name,
      reason: error.message,
      stack: error.stack,
      ...(cause ? { cause: cause.name, cause_reason: cause.message } : {}),
    };
  }

  return { error: typeof error };
}
