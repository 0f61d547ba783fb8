import { ObjectId } from 'bson';
import * as z from 'zod/mini';
import { STAMP_FIELDS, Stamps } from './base';
import { Slug } from './slug';

/** The author stored when a client names none. */
export const DEFAULT_AUTHOR = 'Editorial Team';

/** Reading speed behind `est_read_time`, in words a minute. */
export const WORDS_PER_MINUTE = 230;

// Rules are checked on the text as sent and it is trimmed afterwards, so
// the published JSON Schema says exactly what the server accepts.
const trim = (value: string) => value.trim();

/** Required text: not blank, at most `max` characters. */
export const text = (max: number) =>
  z.pipe(
    z.string().check(z.maxLength(max), z.regex(/\S/, 'must not be blank')),
    z.transform(trim)
  );

const optionalText = (max: number) =>
  z.pipe(z.string().check(z.maxLength(max)), z.transform(trim));

const Tag = text(40);

const unique = (items: string[]) => [...new Set(items)];

export const ArticleImage = z.strictObject({
  url: z
    .string()
    .check(
      z.maxLength(2048),
      z.regex(/^https?:\/\/[^\s/?#@]+[^\s]*$/, 'must be an http(s) URL')
    ),
  alt: z._default(optionalText(250), ''),
});
export type ArticleImage = z.infer<typeof ArticleImage>;

/**
 * Every field a client may write, without defaults: the create and update
 * schemas below are built from this one list so their rules cannot drift.
 */
const fields = {
  main_title: text(85),
  meta_title: z.nullable(optionalText(65)),
  meta_description: z.nullable(optionalText(155)),
  summary: text(500),
  featured: z.boolean(),
  content: z.string().check(z.maxLength(200_000)),
  category: z.pipe(z.array(Tag).check(z.maxLength(10)), z.transform(unique)),
  keywords: z.pipe(z.array(Tag).check(z.maxLength(20)), z.transform(unique)),
  image: z.nullable(ArticleImage),
  author: text(80),
};

/** Why a client may not send a field, for fields the server owns. */
export const READ_ONLY: Readonly<Record<string, string>> = {
  ...STAMP_FIELDS,
  est_read_time: 'is derived from content',
  status: 'is derived from published and published_at',
};

/** What a client sends to create an article. */
const PublishedAt = z.iso.datetime({ offset: true });

export const ArticleCreate = z
  .strictObject({
    main_title: fields.main_title,
    meta_title: z._default(fields.meta_title, null),
    meta_description: z._default(fields.meta_description, null),
    summary: fields.summary,
    featured: z._default(fields.featured, false),
    slug: z.optional(Slug),
    content: z._default(fields.content, ''),
    category: z._default(fields.category, []),
    keywords: z._default(fields.keywords, []),
    image: z._default(fields.image, null),
    author: z._default(fields.author, DEFAULT_AUTHOR),
    published: z._default(z.boolean(), false),
    published_at: z.optional(
      z.iso.datetime({ offset: true }).register(z.globalRegistry, {
        description:
          'Only with `published: true`; a later moment schedules the article.',
      })
    ),
  })
  .register(z.globalRegistry, {
    // The rule createArticle enforces, stated in JSON Schema for clients and
    // API test tools: `published_at` requires `published: true`.
    dependentSchemas: {
      published_at: {
        properties: { published: { const: true } },
        required: ['published'],
      },
    },
  });
export type ArticleCreate = z.infer<typeof ArticleCreate>;

/** Fields PATCH refuses, with the reason shown to the client. */
export const UPDATE_READ_ONLY: Readonly<Record<string, string>> = {
  ...READ_ONLY,
  slug: 'cannot change after creation: links to the article would break',
  published: 'changes through /publish and /unpublish',
  published_at: 'changes through /publish and /unpublish',
};

/** A partial update; it cannot touch the slug or any server-set field. */
export const ArticleUpdate = z.strictObject({
  main_title: z.optional(fields.main_title),
  meta_title: z.optional(fields.meta_title),
  meta_description: z.optional(fields.meta_description),
  summary: z.optional(fields.summary),
  featured: z.optional(fields.featured),
  content: z.optional(fields.content),
  category: z.optional(fields.category),
  keywords: z.optional(fields.keywords),
  image: z.optional(fields.image),
  author: z.optional(fields.author),
});
export type ArticleUpdate = z.infer<typeof ArticleUpdate>;

/** The body of POST /articles/{slug}/publish; empty means "now". */
export const PublishRequest = z.strictObject({
  published_at: z.optional(PublishedAt),
});
export type PublishRequest = z.infer<typeof PublishRequest>;

/** An article as stored in MongoDB; documents read back are parsed by it. */
export const ArticleDocument = z.object({
  _id: z.instanceof(ObjectId),
  slug: Slug,
  main_title: z.string(),
  meta_title: z.nullable(z.string()),
  meta_description: z.nullable(z.string()),
  summary: z.string(),
  featured: z.boolean(),
  content: z.string(),
  category: z.array(z.string()),
  keywords: z.array(z.string()),
  image: z.nullable(z.object({ url: z.string(), alt: z.string() })),
  author: z.string(),
  est_read_time: z.int().check(z.nonnegative()),
  published: z.boolean(),
  published_at: z.nullable(z.date()),
  ...Stamps.shape,
});
export type ArticleDocument = z.infer<typeof ArticleDocument>;

export const ArticleStatus = z.enum(['draft', 'scheduled', 'published']);
export type ArticleStatus = z.infer<typeof ArticleStatus>;

/** An article as the API returns it. */
export const ArticleView = z.object({
  id: z.string(),
  slug: z.string(),
  main_title: z.string(),
  meta_title: z.nullable(z.string()),
  meta_description: z.nullable(z.string()),
  summary: z.string(),
  content: z.string(),
  featured: z.boolean(),
  category: z.array(z.string()),
  keywords: z.array(z.string()),
  image: z.nullable(z.object({ url: z.string(), alt: z.string() })),
  author: z.string(),
  est_read_time: z.int(),
  published: z.boolean(),
  published_at: z.nullable(z.iso.datetime()),
  status: ArticleStatus,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  version: z.int(),
});
export type ArticleView = z.infer<typeof ArticleView>;

/**
 * Minutes to read the content at WORDS_PER_MINUTE, rounded up: 0 without
 * content, at least 1 with any. Markup tags are not counted as words.
 */
export function readTime(content: string): number {
  const words = content
    .replace(/<[^>]*>/g, ' ')
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;

  return words === 0 ? 0 : Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
}

/** Where an article stands for readers at a given moment. */
export function statusOf(
  doc: Pick<ArticleDocument, 'published' | 'published_at'>,
  now: Date
): ArticleStatus {
  if (!doc.published) {
    return 'draft';
  }

  return doc.published_at && doc.published_at > now ? 'scheduled' : 'published';
}

/** The public shape of a stored article. */
export function toView(doc: ArticleDocument, now = new Date()): ArticleView {
  return {
    id: doc._id.toHexString(),
    slug: doc.slug,
    main_title: doc.main_title,
    meta_title: doc.meta_title,
    meta_description: doc.meta_description,
    summary: doc.summary,
    content: doc.content,
    featured: doc.featured,
    category: doc.category,
    keywords: doc.keywords,
    image: doc.image,
    author: doc.author,
    est_read_time: doc.est_read_time,
    published: doc.published,
    published_at: doc.published_at?.toISOString() ?? null,
    status: statusOf(doc, now),
    created_at: doc.created_at.toISOString(),
    updated_at: doc.updated_at.toISOString(),
    version: doc.version,
  };
}

/** The ETag of an article: its id and version, so a re-created slug differs. */
export function etagOf(doc: Pick<ArticleDocument, '_id' | 'version'>): string {
  return `"${doc._id.toHexString()}.${doc.version}"`;
}
