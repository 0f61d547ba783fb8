import * as z from 'zod/mini';
import { ConfigError } from './errors';

export type Stage = 'dev' | 'prd';

/** Where the MongoDB connection string comes from. */
export type UriSource =
  | { kind: 'uri'; uri: string; variable: string }
  | { kind: 'secret'; secretId: string; variable: string };

export interface Settings {
  stage: Stage;
  mongo: UriSource;
  /** Database name, or undefined to take it from the URI or the stage. */
  dbName: string | undefined;
  /** Connections a warm container may hold; see db.ts for the default. */
  maxPoolSize: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

const NAMES = [
  'MONGODB_URI',
  'MONGODB_URI_SECRET_ID',
  'MONGO_SCHEME',
  'MONGO_HOST',
  'MONGO_PORT',
  'MONGO_USER',
  'MONGO_PASS',
  'MONGO_DB',
  'MONGO_MAX_POOL_SIZE',
] as const;

type Name = (typeof NAMES)[number];

const URI_SHAPE =
  /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?[A-Za-z0-9.,:[\]-]+(?:\/.*)?$/;

/** A whole number within bounds, as an environment variable spells it. */
const wholeNumber = (min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`;

  return z
    .pipe(z.string().check(z.regex(/^\d{1,9}$/, rule)), z.transform(Number))
    .check(z.refine((n) => n >= min && n <= max, rule));
};

const Raw = z
  .object({
    MONGODB_URI: z.optional(
      z
        .string()
        .check(
          z.regex(URI_SHAPE, 'must be mongodb:// or mongodb+srv:// and a host')
        )
    ),
    MONGODB_URI_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
    MONGO_SCHEME: z._default(
      z.enum(['mongodb', 'mongodb+srv'], 'must be "mongodb" or "mongodb+srv"'),
      'mongodb'
    ),
    MONGO_HOST: z.optional(
      z
        .string()
        .check(
          z.regex(/^[A-Za-z0-9.-]+$/, 'must be a host name without a port')
        )
    ),
    MONGO_PORT: z.optional(wholeNumber(1, 65535)),
    MONGO_USER: z.optional(z.string()),
    MONGO_PASS: z.optional(z.string()),
    MONGO_DB: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^[A-Za-z0-9_-]{1,63}$/,
            'must be 1 to 63 letters, digits, _ or -'
          )
        )
    ),
    MONGO_MAX_POOL_SIZE: z.optional(wholeNumber(1, 100)),
  })
  .check(
    z.superRefine((raw, ctx) => {
      const hasWhole = raw.MONGODB_URI || raw.MONGODB_URI_SECRET_ID;

      if (!hasWhole && !raw.MONGO_HOST) {
        ctx.addIssue({
          code: 'custom',
          path: ['MONGODB_URI'],
          message:
            'is not set: set it, or MONGO_HOST and the other MONGO_* parts',
        });
      }

      if (raw.MONGO_PORT !== undefined && raw.MONGO_SCHEME === 'mongodb+srv') {
        ctx.addIssue({
          code: 'custom',
          path: ['MONGO_PORT'],
          message: 'cannot be used with mongodb+srv',
        });
      }

      if (Boolean(raw.MONGO_USER) !== Boolean(raw.MONGO_PASS)) {
        ctx.addIssue({
          code: 'custom',
          path: [raw.MONGO_USER ? 'MONGO_PASS' : 'MONGO_USER'],
          message: 'must be set together with the other',
        });
      }
    })
  );

/**
 * Reads the settings from the environment. ENV_STATE (dev or prd) picks the
 * DEV_ or PRD_ copy of each variable before the unprefixed one.
 */
export function loadSettings(env: Env = process.env): Settings {
  const stage = readStage(env);
  const names = new Map<Name, string>();
  const values: Partial<Record<Name, string>> = {};

  for (const name of NAMES) {
    const prefixed = `${stage.toUpperCase()}_${name}`;
    const usePrefixed = Boolean(env[prefixed]?.trim());
    const value = (usePrefixed ? env[prefixed] : env[name])?.trim();

    names.set(name, usePrefixed ? prefixed : name);
    if (value) {
      values[name] = value;
    }
  }

  const parsed = Raw.safeParse(values);

  if (!parsed.success) {
    // Messages name the variable and the rule, never the value: a value may
    // hold a password.
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as Name;
      return `${names.get(key) ?? key} ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }

  const raw = parsed.data;

  return {
    stage,
    mongo: uriSource(raw, names),
    dbName: raw.MONGO_DB,
    maxPoolSize: raw.MONGO_MAX_POOL_SIZE,
  };
}

let cached: Settings | undefined;

/** The process-wide settings, read once on first use. */
export function settings(): Settings {
  cached ??= loadSettings();
  return cached;
}

/** Forgets the cached settings so the next call reads the environment. */
export function resetSettings(): void {
  cached = undefined;
}

function readStage(env: Env): Stage {
  const raw = env.ENV_STATE?.trim() || 'dev';

  if (raw !== 'dev' && raw !== 'prd') {
    throw new ConfigError(
      'invalid configuration: ENV_STATE must be dev or prd'
    );
  }

  return raw;
}

function uriSource(raw: z.output<typeof Raw>, names: Map<Name, string>) {
  const variable = (name: Name) => names.get(name) ?? name;

  if (raw.MONGODB_URI) {
    return {
      kind: 'uri',
      uri: raw.MONGODB_URI,
      variable: variable('MONGODB_URI'),
    } satisfies UriSource;
  }

  if (raw.MONGODB_URI_SECRET_ID) {
    return {
      kind: 'secret',
      secretId: raw.MONGODB_URI_SECRET_ID,
      variable: variable('MONGODB_URI_SECRET_ID'),
    } satisfies UriSource;
  }

  const auth = raw.MONGO_USER
    ? `${encodeURIComponent(raw.MONGO_USER)}:${encodeURIComponent(raw.MONGO_PASS ?? '')}@`
    : '';
  const port = raw.MONGO_PORT ? `:${raw.MONGO_PORT}` : '';

  return {
    kind: 'uri',
    uri: `${raw.MONGO_SCHEME}://${auth}${raw.MONGO_HOST}${port}/`,
    variable: variable('MONGO_HOST'),
  } satisfies UriSource;
}

/** Checks a connection string read from a secret; never echoes it. */
export function checkUri(uri: string, source: string): void {
  if (!URI_SHAPE.test(uri)) {
    throw new ConfigError(
      `invalid configuration: ${source} must hold a mongodb:// or mongodb+srv:// URI`
    );
  }
}

/** Replaces the password in anything that looks like a connection string. */
export function redact(text: string): string {
  return text.replace(
    /(mongodb(?:\+srv)?:\/\/[^:@/\s]+):[^@/\s]*@/g,
    '$1:***@'
  );
}
