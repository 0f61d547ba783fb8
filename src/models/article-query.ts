import { ObjectId } from 'bson';
import * as z from 'zod/mini';
import { ValidationError } from '../core/errors';
import { ArticleStatus, text } from './article';

/** Page size when a client asks for none, and the most it may ask for. */
export const DEFAULT_LIMIT = 15;
export const MAX_LIMIT = 100;

const flag = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value: 'true' | 'false') => value === 'true')
);

/**
 * A list position as `<published_at in ms>.<id>`, or `<id>` alone for an
 * article without a publication time (ms are negative before 1970). Every
 * string of this shape is a position the list can start after, so the
 * documented pattern says exactly which cursors the API accepts.
 */
const CURSOR_SHAPE = /^(?:-?\d{1,15}\.)?[0-9a-f]{24}$/;
const CURSOR_REFUSED = 'is not a cursor this API issued';

/**
 * Query parameters of GET /articles. They arrive as plain strings and stay
 * strings until parsed here; nothing is ever read as an object or operator.
 */
export const ListQuery = z.strictObject({
  limit: z.optional(
    z.pipe(
      z
        .string()
        .check(
          z.regex(
            /^(?:[1-9]\d?|100)$/,
            `must be a whole number from 1 to ${MAX_LIMIT}`
          )
        ),
      z.transform(Number)
    )
  ),
  cursor: z.optional(z.string().check(z.regex(CURSOR_SHAPE, CURSOR_REFUSED))),
  category: z.optional(text(40)),
  featured: z.optional(flag),
  author: z.optional(text(80)),
  q: z.optional(text(100)),
  status: z.optional(ArticleStatus),
  total: z.optional(flag),
});
export type ListQuery = z.infer<typeof ListQuery>;

/** A position in the list: the last item's `published_at` and id. */
export interface Cursor {
  publishedAt: Date | null;
  id: ObjectId;
}

/** Encodes a list position as a URL-safe token of CURSOR_SHAPE. */
export function encodeCursor(cursor: Cursor): string {
  const id = cursor.id.toHexString();

  return cursor.publishedAt ? `${cursor.publishedAt.getTime()}.${id}` : id;
}

/** Decodes a token from encodeCursor, or fails with a 400 naming `cursor`. */
export function decodeCursor(token: string): Cursor {
  if (!CURSOR_SHAPE.test(token)) {
    throw new ValidationError([
      { path: 'cursor', rule: 'format', message: CURSOR_REFUSED },
    ]);
  }

  const [ms, id] = token.includes('.') ? token.split('.') : [undefined, token];

  return {
    publishedAt: ms === undefined ? null : new Date(Number(ms)),
    id: new ObjectId(id),
  };
}

/** Escapes text so a regular expression matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
