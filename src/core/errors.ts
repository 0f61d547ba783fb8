/** One invalid input field: where it is, which rule it broke, and why. */
export interface FieldIssue {
  path: string;
  rule: string;
  message: string;
}

interface ApiErrorOptions {
  cause?: unknown;
  headers?: Record<string, string>;
}

/**
 * Base of every error a client may be told about. Below 500 the detail is
 * shown to the client; from 500 up only the generic title is.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    title: string,
    detail: string,
    options: ApiErrorOptions = {}
  ) {
    super(detail, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.title = title;
    this.headers = options.headers ?? {};
  }

  /** Whether the message may be shown to the client. */
  get expose(): boolean {
    return this.status < 500;
  }
}

export class ValidationError extends ApiError {
  readonly errors: FieldIssue[];

  constructor(errors: FieldIssue[], detail = describeIssues(errors)) {
    super(400, 'validation_failed', 'Invalid request', detail);
    this.errors = errors;
  }
}

export class BadRequestError extends ApiError {
  constructor(detail: string, code = 'bad_request') {
    super(400, code, 'Bad request', detail);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(detail = 'A valid admin API key is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail, {
      headers: { 'www-authenticate': 'Bearer realm="blog-api"' },
    });
  }
}

export class ForbiddenError extends ApiError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class NotFoundError extends ApiError {
  constructor(detail = 'Nothing is published at this address.') {
    super(404, 'not_found', 'Not found', detail);
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(allowed: string[]) {
    super(
      405,
      'method_not_allowed',
      'Method not allowed',
      `This address accepts ${allowed.join(', ')}.`,
      { headers: { allow: allowed.join(', ') } }
    );
  }
}

export class ConflictError extends ApiError {
  constructor(detail: string, code = 'conflict') {
    super(409, code, 'Conflict', detail);
  }
}

export class PreconditionFailedError extends ApiError {
  constructor(currentEtag: string) {
    super(
      412,
      'precondition_failed',
      'Precondition failed',
      'The article changed since you read it; fetch it again and retry.',
      { headers: { etag: currentEtag } }
    );
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(
      413,
      'payload_too_large',
      'Payload too large',
      `The request body must be at most ${limitBytes} bytes.`
    );
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(
      415,
      'unsupported_media_type',
      'Unsupported media type',
      'Send the body as application/json.'
    );
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(cause?: unknown) {
    super(
      503,
      'database_unavailable',
      'Service unavailable',
      'The database cannot be reached right now; retry shortly.',
      { cause, headers: { 'retry-after': '5' } }
    );
  }
}

/** A setting is missing or malformed; raised at start-up, never per request. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function describeIssues(errors: FieldIssue[]): string {
  const first = errors[0];

  if (!first) {
    return 'The request is invalid.';
  }

  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';

  return `${first.path || 'body'}: ${first.message}${more}`;
}

// Driver errors that mean the database is out of reach, by name, so this
// module needs no import of the driver.
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
]);

/** Whether a driver error means the database cannot be reached. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof Error && UNAVAILABLE.has(error.name);
}
