import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { redact } from './config';

/** Severity of a line; SILENT turns logging off. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const RANK: Readonly<Record<LogLevel, number>> = {
  DEBUG: 10,
  INFO: 20,
  WARN: 30,
  ERROR: 40,
  SILENT: 100,
};

const SECRET_KEYS = /^(authorization|password|pass|secret|api_?key|key|uri)$/i;

/** Fixed log messages, so that searches and alarms can rely on them. */
export const LogMessage = {
  requestDone: 'request done',
  requestFailed: 'request failed',
  requestRefused: 'request refused',
  dbConnecting: 'connecting to database',
  dbConnected: 'database connected',
  dbConnectFailed: 'database connect failed',
  dbIndexesEnsured: 'indexes ensured',
  secretRead: 'connection string read from secret',
  authorizerDenied: 'api key refused',
} as const;

/**
 * Keeps secrets out of every line: known secret field names are masked and
 * any connection string loses its password, wherever it appears.
 */
function replacer(key: string, value: unknown): unknown {
  if (SECRET_KEYS.test(key) && typeof value === 'string') {
    return '***';
  }

  if (typeof value === 'string' && value.includes('mongodb')) {
    return redact(value);
  }

  if (typeof value === 'bigint') {
    return value.toString();
  }

  return value;
}

/** LOG_LEVEL, else Lambda's own log level setting, else INFO. */
function levelFromEnv(): LogLevel {
  const raw = (
    process.env.LOG_LEVEL ??
    process.env.AWS_LAMBDA_LOG_LEVEL ??
    'INFO'
  ).toUpperCase();

  return raw in RANK ? (raw as LogLevel) : 'INFO';
}

/**
 * Structured JSON logs, one object a line: level, message, time, service,
 * the invocation (function, request id, cold start, trace id) and the
 * fields given. Written in-house because the handlers need only this, and
 * every byte and module counts in a Lambda cold start.
 */
export class Logger {
  private threshold: number;
  private invocation: Record<string, unknown> = {};
  private keys: Record<string, unknown> = {};
  private coldStart = true;

  constructor(
    private readonly service: string,
    level: LogLevel = levelFromEnv()
  ) {
    this.threshold = RANK[level];
  }

  /** Changes the least severe level that is written. */
  setLogLevel(level: LogLevel): void {
    this.threshold = RANK[level];
  }

  /** Names the invocation on every line until endInvocation. */
  startInvocation(context: Context): void {
    const trace = process.env._X_AMZN_TRACE_ID;

    this.keys = {};
    this.invocation = {
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      cold_start: this.coldStart,
      ...(trace ? { xray_trace_id: trace } : {}),
    };
    this.coldStart = false;
  }

  /** Forgets the invocation and the keys appended during it. */
  endInvocation(): void {
    this.invocation = {};
    this.keys = {};
  }

  /** Adds fields to every line of the current invocation. */
  appendKeys(keys: Record<string, unknown>): void {
    this.keys = { ...this.keys, ...keys };
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('DEBUG', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('INFO', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('WARN', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('ERROR', message, fields);
  }

  private write(
    level: Exclude<LogLevel, 'SILENT'>,
    message: string,
    fields: Record<string, unknown> = {}
  ): void {
    if (RANK[level] < this.threshold) {
      return;
    }

    const line = JSON.stringify(
      {
        level,
        message,
        timestamp: new Date().toISOString(),
        service: this.service,
        ...this.invocation,
        ...this.keys,
        ...fields,
      },
      replacer
    );
    // Lambda sends both streams to CloudWatch; warnings and errors go to
    // stderr as a terminal would expect.
    const stream = RANK[level] >= RANK.WARN ? process.stderr : process.stdout;

    stream.write(`${line}\n`);
  }
}

/** The one logger every handler shares. */
export const logger = new Logger('blog-api');

/** Middleware that names each invocation on the logger's lines. */
export function logContext(): MiddlewareObj {
  return {
    before: (request) => logger.startInvocation(request.context),
    after: () => logger.endInvocation(),
    onError: () => logger.endInvocation(),
  };
}
