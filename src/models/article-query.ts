import { ObjectId } from 'mongodb';
import * as z from 'zod';
import { ValidationError } from '../core/errors';
import { ArticleStatus, text } from './article';

/** Page size when a client asks for none, and the most it may ask for. */
export const DEFAULT_LIMIT = 15;
export const MAX_LIMIT = 100;

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Query parameters of GET /articles. They arrive as plain strings and stay
 * strings until parsed here; nothing is ever read as an object or operator.
 */
export const ListQuery = z.strictObject({
  limit: z
    .string()
    .regex(
      /^(?:[1-9]\d?|100)$/,
      `must be a whole number from 1 to ${MAX_LIMIT}`
    )
    .transform(Number)
    .optional(),
  cursor: z.string().max(200).optional(),
  category: text(40).optional(),
  featured: flag.optional(),
  author: text(80).optional(),
  q: text(100).optional(),
  status: ArticleStatus.optional(),
  total: flag.optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

/** A position in the list: the last item's `published_at` and id. */
export interface Cursor {
  publishedAt: Date | null;
  id: ObjectId;
}

const CursorTuple = z.tuple([
  z.number().int().nonnegative().nullable(),
  z.string().regex(/^[0-9a-f]{24}$/),
]);

/** Encodes a list position as an opaque, URL-safe token. */
export function encodeCursor(cursor: Cursor): string {
  const tuple = [
    cursor.publishedAt?.getTime() ?? null,
    cursor.id.toHexString(),
  ];

  return Buffer.from(JSON.stringify(tuple)).toString('base64url');
}

/** Decodes a token from encodeCursor, or fails with a 400 naming `cursor`. */
export function decodeCursor(token: string): Cursor {
  try {
    const json = Buffer.from(token, 'base64url').toString('utf8');
    const [ms, id] = CursorTuple.parse(JSON.parse(json));

    return {
      publishedAt: ms === null ? null : new Date(ms),
      id: new ObjectId(id),
    };
  } catch {
    throw new ValidationError([
      {
        path: 'cursor',
        rule: 'format',
        message: 'is not a cursor this API issued',
      },
    ]);
  }
}

/** Escapes text so a regular expression matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
