import { Logger } from '@aws-lambda-powertools/logger';
import { redact } from './config';

const SECRET_KEYS = /^(authorization|password|pass|secret|api_?key|key|uri)$/i;

/** Fixed log messages, so that searches and alarms can rely on them. */
export const LogMessage = {
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

/** The one structured JSON logger that every handler shares. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'blog-api',
  jsonReplacerFn: replacer,
});
