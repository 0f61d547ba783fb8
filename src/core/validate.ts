import type * as z from 'zod/mini';
import { type FieldIssue, ValidationError } from './errors';

type Issue = z.core.$ZodIssue & { input?: unknown };

/** Where a value came from, so a field path can name its source. */
export type InputSource = 'body' | 'query' | 'path';

interface ParseOptions {
  source?: InputSource;
  /** Fields the server owns, with the reason a client may not set them. */
  readOnly?: Readonly<Record<string, string>>;
}

/**
 * Parses input with a schema and throws a ValidationError that names every
 * invalid field and the rule it broke.
 */
export function parseInput<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  options: ParseOptions = {}
): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });

  if (result.success) {
    return result.data;
  }

  const issues = result.error.issues.flatMap((issue) =>
    toFieldIssues(issue as Issue, options)
  );

  throw new ValidationError(issues);
}

function toFieldIssues(issue: Issue, options: ParseOptions): FieldIssue[] {
  const path = formatPath(issue.path);

  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const reason = options.readOnly?.[key];
      const keyPath = joinPath(path, key);

      return reason
        ? { path: keyPath, rule: 'read_only', message: reason }
        : {
            path: keyPath,
            rule: 'unknown_field',
            message: 'is not a field of this request',
          };
    });
  }

  const [rule, message] = describe(issue);

  return [{ path: path || options.source || 'body', rule, message }];
}

function describe(issue: Issue): [string, string] {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) {
        return ['required', 'is required'];
      }
      return ['type', `must be ${article(issue.expected)}`];
    case 'too_big':
      return tooBig(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'invalid_format':
      return ['format', formatMessage(issue)];
    case 'invalid_value':
      return [
        'enum',
        `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      ];
    case 'not_multiple_of':
      return ['multiple_of', `must be a multiple of ${issue.divisor}`];
    case 'custom':
      return [String(issue.params?.rule ?? 'invalid'), issue.message];
    default:
      return [issue.code, issue.message];
  }
}

function tooBig(issue: z.core.$ZodIssueTooBig): [string, string] {
  const limit = Number(issue.maximum);

  switch (issue.origin) {
    case 'string':
      return ['max_length', `must be at most ${limit} characters`];
    case 'array':
    case 'set':
      return ['max_items', `must have at most ${limit} items`];
    default:
      return ['maximum', `must be at most ${limit}`];
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): [string, string] {
  const limit = Number(issue.minimum);

  switch (issue.origin) {
    case 'string':
      return limit === 1
        ? ['min_length', 'must not be empty']
        : ['min_length', `must be at least ${limit} characters`];
    case 'array':
    case 'set':
      return ['min_items', `must have at least ${limit} items`];
    default:
      return ['minimum', `must be at least ${limit}`];
  }
}

function formatMessage(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if (issue.format === 'regex' && issue.message) {
    return issue.message;
  }

  return `must be a valid ${issue.format}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) =>
      typeof part === 'number'
        ? `${acc}[${part}]`
        : joinPath(acc, String(part)),
    ''
  );
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
