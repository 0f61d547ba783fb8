import type { Stage } from './config';

/** Cross-origin rules, applied by API Gateway on AWS and by the local server. */
export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/**
 * Reads CORS_ALLOWED_ORIGINS (comma-separated origins, or "*"). Without it,
 * dev allows any origin and prd allows none.
 */
export function corsConfig(stage: Stage, raw?: string): CorsConfig {
  const listed = (raw ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const defaults = stage === 'dev' ? ['*'] : [];

  for (const origin of listed) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(
        `CORS_ALLOWED_ORIGINS: "${origin}" must be an origin such as https://example.com`
      );
    }
  }

  return {
    allowOrigins: raw === undefined ? defaults : listed,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: [
      'authorization',
      'content-type',
      'if-match',
      'if-none-match',
    ],
    exposeHeaders: ['etag', 'location', 'retry-after'],
    maxAgeSeconds: 600,
  };
}

function allowedOrigin(
  origin: string | undefined,
  config: CorsConfig
): string | undefined {
  if (!origin) {
    return undefined;
  }

  if (config.allowOrigins.includes('*')) {
    return '*';
  }

  return config.allowOrigins.includes(origin) ? origin : undefined;
}

/** Headers for an ordinary response to a cross-origin request. */
export function corsHeaders(
  origin: string | undefined,
  config: CorsConfig
): Record<string, string> {
  const allowed = allowedOrigin(origin, config);

  if (!allowed) {
    return {};
  }

  return {
    'access-control-allow-origin': allowed,
    'access-control-expose-headers': config.exposeHeaders.join(','),
    ...(allowed === '*' ? {} : { vary: 'Origin' }),
  };
}

/** Headers answering a preflight, or undefined when it is refused. */
export function preflightHeaders(
  origin: string | undefined,
  config: CorsConfig
): Record<string, string> | undefined {
  const allowed = allowedOrigin(origin, config);

  if (!allowed) {
    return undefined;
  }

  return {
    'access-control-allow-origin': allowed,
    'access-control-allow-methods': config.allowMethods.join(','),
    'access-control-allow-headers': config.allowHeaders.join(','),
    'access-control-max-age': String(config.maxAgeSeconds),
  };
}
