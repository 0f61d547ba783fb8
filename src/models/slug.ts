import * as z from 'zod/mini';

/** The longest slug stored, suffix included. */
export const SLUG_MAX = 96;

const SLUG_SHAPE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A slug as clients may give it: lowercase ASCII words joined by "-". */
export const Slug = z
  .string()
  .check(
    z.maxLength(SLUG_MAX),
    z.regex(SLUG_SHAPE, 'must be lowercase letters and digits joined by "-"')
  );
export type Slug = z.infer<typeof Slug>;

// Letters that Unicode does not decompose into an ASCII base letter.
const FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
};

/** Whether a string has the shape of a slug. */
export function isSlug(value: string): boolean {
  return value.length <= SLUG_MAX && SLUG_SHAPE.test(value);
}

/**
 * Derives a slug from a title: accents folded, lowercase ASCII words joined
 * by "-", cut at a word boundary to fit. A title with no usable letters
 * gives "article".
 */
export function slugify(title: string, max = SLUG_MAX): string {
  const words = title
    .toLowerCase()
    .replace(/[ßæœøđðþłı]/g, (ch) => FOLDS[ch] ?? ch)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

  let slug = '';

  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;

    if (next.length > max) {
      // A single word longer than the limit is cut rather than dropped.
      slug ||= word.slice(0, max);
      break;
    }

    slug = next;
  }

  return slug || 'article';
}

/** The slug with a numeric suffix, shortened so the whole fits the limit. */
export function withSuffix(base: string, n: number): string {
  const suffix = `-${n}`;
  const room = SLUG_MAX - suffix.length;
  const head =
    base.length > room ? base.slice(0, room).replace(/-+$/, '') : base;

  return `${head}${suffix}`;
}
