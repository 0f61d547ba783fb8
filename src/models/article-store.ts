import {
  type Collection,
  type Filter,
  MongoServerError,
  ObjectId,
} from 'mongodb';
import { type CollectionSpec, collection } from '../core/db';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../core/errors';
import {
  type ArticleCreate,
  ArticleDocument,
  type ArticleStatus,
  type ArticleUpdate,
  etagOf,
  readTime,
} from './article';
import {
  type Cursor,
  DEFAULT_LIMIT,
  decodeCursor,
  encodeCursor,
  escapeRegex,
  type ListQuery,
} from './article-query';
import { firstStamps } from './base';
import { SLUG_MAX, slugify, withSuffix } from './slug';

/** The articles collection and the indexes its queries rely on. */
export const ARTICLES: CollectionSpec = {
  name: 'articles',
  indexes: [
    { key: { slug: 1 }, name: 'slug_unique', unique: true },
    // Equality on `published`, then the list order: serves the public list
    // and its keyset pages without an in-memory sort.
    {
      key: { published: 1, published_at: -1, _id: -1 },
      name: 'public_list',
    },
    {
      key: { category: 1, published: 1, published_at: -1, _id: -1 },
      name: 'category_list',
    },
  ],
};

type Articles = Collection<ArticleDocument>;

const articles = (): Promise<Articles> => collection<ArticleDocument>(ARTICLES);

/** Who is asking: admins see drafts and scheduled articles. */
export interface Access {
  admin: boolean;
}

/** The filter for articles a reader may see at a given moment. */
export function visibleAt(now: Date): Filter<ArticleDocument> {
  return { published: true, published_at: { $lte: now } };
}

function statusFilter(
  status: ArticleStatus,
  now: Date
): Filter<ArticleDocument> {
  switch (status) {
    case 'draft':
      return { published: false };
    case 'scheduled':
      return { published: true, published_at: { $gt: now } };
    case 'published':
      return visibleAt(now);
  }
}

// Bounds the retries of a derived slug under heavy contention.
const MAX_SLUG_ATTEMPTS = 200;

/**
 * Stores a new article. A derived slug that is taken gets the next free
 * "-n" suffix; a slug the client chose that is taken is a 409. The unique
 * index decides, so concurrent creates cannot both win one slug.
 */
export async function createArticle(
  input: ArticleCreate,
  now = new Date()
): Promise<ArticleDocument> {
  const coll = await articles();
  const base = input.slug ?? slugify(input.main_title);
  const { published_at: requestedAt, slug: _slug, ...rest } = input;

  if (requestedAt && !input.published) {
    throw new ValidationError([
      {
        path: 'published_at',
        rule: 'requires_published',
        message: 'can only be set when published is true',
      },
    ]);
  }

  const doc: ArticleDocument = {
    _id: new ObjectId(),
    ...rest,
    slug: base,
    est_read_time: readTime(input.content),
    published_at: input.published
      ? requestedAt
        ? new Date(requestedAt)
        : now
      : null,
    ...firstStamps(now),
  };
  let suffix = 1;

  for (let attempt = 1; ; attempt++) {
    try {
      await coll.insertOne(doc);
      return doc;
    } catch (error) {
      if (!isDuplicateKey(error)) {
        throw error;
      }

      if (input.slug) {
        throw new ConflictError(
          `The slug "${input.slug}" is taken; choose another or leave it out.`,
          'slug_taken'
        );
      }

      if (attempt >= MAX_SLUG_ATTEMPTS) {
        throw new ConflictError(
          'No free slug was found for this title; give a slug explicitly.',
          'slug_taken'
        );
      }

      // The usual clash is a second article with one title, so "-2" is
      // tried blind (one extra round trip). After that the highest suffix
      // is read, then stepped up, and read again now and then in case many
      // writers raced ahead.
      suffix =
        attempt === 1
          ? 2
          : attempt % 10 === 2
            ? Math.max(suffix, await highestSuffix(coll, base)) + 1
            : suffix + 1;
      doc.slug = withSuffix(base, suffix);
      doc._id = new ObjectId();
    }
  }
}

async function highestSuffix(coll: Articles, base: string): Promise<number> {
  const head = base.slice(0, SLUG_MAX - 8);
  const taken = await coll
    .find(
      { slug: { $regex: `^${escapeRegex(head)}` } },
      { projection: { _id: 0, slug: 1 } }
    )
    .toArray();
  let highest = 1;

  for (const { slug } of taken) {
    const n = Number(/-(\d+)$/.exec(slug)?.[1]);

    if (Number.isInteger(n) && withSuffix(base, n) === slug) {
      highest = Math.max(highest, n);
    }
  }

  return highest;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** One article by slug, or null when the caller may not see it. */
export async function findArticle(
  slug: string,
  access: Access,
  now = new Date()
): Promise<ArticleDocument | null> {
  const coll = await articles();
  const filter = access.admin ? { slug } : { slug, ...visibleAt(now) };
  const doc = await coll.findOne(filter);

  return doc ? ArticleDocument.parse(doc) : null;
}

/** A page of articles, newest first, and where the next page starts. */
export interface ArticlePage {
  items: ArticleDocument[];
  limit: number;
  nextCursor: string | null;
  total?: number;
}

/**
 * Lists articles newest first by `published_at`, ties by id, with keyset
 * pagination. Public callers see only what is published by now.
 */
export async function listArticles(
  query: ListQuery,
  access: Access,
  now = new Date()
): Promise<ArticlePage> {
  const coll = await articles();
  const limit = query.limit ?? DEFAULT_LIMIT;
  const filter = listFilter(query, access, now);
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const pageFilter = cursor ? { $and: [filter, after(cursor)] } : filter;
  const [docs, total] = await Promise.all([
    coll
      .find(pageFilter, { projection: { content: 0 } })
      .sort({ published_at: -1, _id: -1 })
      .limit(limit + 1)
      .toArray(),
    query.total ? coll.countDocuments(filter) : undefined,
  ]);
  const items = docs
    .slice(0, limit)
    .map((doc) => ArticleDocument.parse({ ...doc, content: '' }));
  const last = items.at(-1);
  const nextCursor =
    docs.length > limit && last
      ? encodeCursor({ publishedAt: last.published_at, id: last._id })
      : null;

  return total === undefined
    ? { items, limit, nextCursor }
    : { items, limit, nextCursor, total };
}

function listFilter(
  query: ListQuery,
  access: Access,
  now: Date
): Filter<ArticleDocument> {
  const parts: Filter<ArticleDocument>[] = [];

  if (!access.admin) {
    parts.push(visibleAt(now));
  } else if (query.status) {
    parts.push(statusFilter(query.status, now));
  }

  if (query.category !== undefined) {
    parts.push({ category: query.category });
  }

  if (query.featured !== undefined) {
    parts.push({ featured: query.featured });
  }

  if (query.author !== undefined) {
    parts.push({ author: query.author });
  }

  if (query.q !== undefined) {
    const pattern = escapeRegex(query.q);
    parts.push({
      $or: [
        { main_title: { $regex: pattern, $options: 'i' } },
        { summary: { $regex: pattern, $options: 'i' } },
      ],
    });
  }

  if (parts.length <= 1) {
    return parts[0] ?? {};
  }

  return { $and: parts };
}

/** Articles strictly after a position in the newest-first order. */
function after(cursor: Cursor): Filter<ArticleDocument> {
  const tie = { _id: { $lt: cursor.id } };

  if (cursor.publishedAt === null) {
    // Drafts (no published_at) sort last; only their id orders them.
    return { published_at: null, ...tie };
  }

  return {
    $or: [
      { published_at: { $lt: cursor.publishedAt } },
      { published_at: cursor.publishedAt, ...tie },
      { published_at: null },
    ],
  };
}

/** An `If-Match` header reduced to what the database can check. */
export type Precondition = { any: true } | { etags: string[] } | undefined;

/** Parses `If-Match`; undefined when the header is absent. */
export function parseIfMatch(header: string | undefined): Precondition {
  if (header === undefined) {
    return undefined;
  }

  if (header.trim() === '*') {
    return { any: true };
  }

  return { etags: header.split(',').map((tag) => tag.trim()) };
}

function preconditionFilter(
  precondition: Precondition
): Filter<ArticleDocument> {
  if (!precondition || 'any' in precondition) {
    return {};
  }

  // Weak tags never match: If-Match compares strongly.
  const versions = precondition.etags.flatMap((tag) => {
    const match = /^"([0-9a-f]{24})\.(\d{1,15})"$/.exec(tag);
    return match?.[1] && match[2]
      ? [{ _id: new ObjectId(match[1]), version: Number(match[2]) }]
      : [];
  });

  if (versions.length === 0) {
    return { _id: { $exists: false } };
  }

  return versions.length === 1 ? (versions[0] ?? {}) : { $or: versions };
}

/**
 * Decides why a conditional write matched nothing: the article is gone
 * (404), it changed (412), or the write would change nothing (returns it).
 */
async function explainMiss(
  coll: Articles,
  slug: string,
  precondition: Precondition
): Promise<ArticleDocument> {
  const current = await coll.findOne({ slug });

  if (!current) {
    throw new NotFoundError();
  }

  const doc = ArticleDocument.parse(current);

  if (precondition && !matches(doc, precondition)) {
    throw new PreconditionFailedError(etagOf(doc));
  }

  return doc;
}

function matches(doc: ArticleDocument, precondition: Precondition): boolean {
  if (!precondition || 'any' in precondition) {
    return true;
  }

  return precondition.etags.includes(etagOf(doc));
}

/** The result of a write that may have been a no-op. */
export interface WriteResult {
  doc: ArticleDocument;
  changed: boolean;
}

type Changes = Partial<
  Pick<
    ArticleDocument,
    Exclude<keyof ArticleDocument, '_id' | 'created_at' | 'updated_at'>
  >
>;

/**
 * Applies changes in one database operation: the precondition, the test
 * that something would change, and the write happen together, so a stale
 * `If-Match` cannot slip in between a read and a write.
 */
async function applyChanges(
  slug: string,
  changes: Changes,
  changeTest: Filter<ArticleDocument>,
  precondition: Precondition,
  now: Date
): Promise<WriteResult> {
  const coll = await articles();
  const filter = {
    $and: [{ slug }, preconditionFilter(precondition), changeTest],
  };
  const updated = await coll.findOneAndUpdate(
    filter,
    { $set: { ...changes, updated_at: now }, $inc: { version: 1 } },
    { returnDocument: 'after' }
  );

  if (updated) {
    return { doc: ArticleDocument.parse(updated), changed: true };
  }

  return { doc: await explainMiss(coll, slug, precondition), changed: false };
}

/** A filter that matches when any of the given fields would change. */
function anyDiffers(changes: Changes): Filter<ArticleDocument> {
  const tests = Object.entries(changes).map(([field, value]) => ({
    [field]: { $ne: value },
  }));

  return tests.length > 0 ? { $or: tests } : { _id: { $exists: false } };
}

/** Partially updates an article; only a real change moves its version. */
export async function updateArticle(
  slug: string,
  patch: ArticleUpdate,
  precondition: Precondition,
  now = new Date()
): Promise<WriteResult> {
  const changes: Changes = Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined)
  );

  if (patch.content !== undefined) {
    changes.est_read_time = readTime(patch.content);
  }

  return applyChanges(slug, changes, anyDiffers(changes), precondition, now);
}

/** Publishes now, or at a given time (scheduling when it is later). */
export async function publishArticle(
  slug: string,
  at: Date | undefined,
  precondition: Precondition,
  now = new Date()
): Promise<WriteResult> {
  const changes = { published: true, published_at: at ?? now };
  // "Publish now" leaves an article that is already live untouched.
  const changeTest: Filter<ArticleDocument> = at
    ? { $or: [{ published: { $ne: true } }, { published_at: { $ne: at } }] }
    : {
        $or: [
          { published: { $ne: true } },
          { published_at: null },
          { published_at: { $gt: now } },
        ],
      };

  return applyChanges(slug, changes, changeTest, precondition, now);
}

/** Returns an article to draft. */
export async function unpublishArticle(
  slug: string,
  precondition: Precondition,
  now = new Date()
): Promise<WriteResult> {
  const changes = { published: false, published_at: null };

  return applyChanges(slug, changes, { published: true }, precondition, now);
}

/** Deletes an article, honouring `If-Match` in the same operation. */
export async function deleteArticle(
  slug: string,
  precondition: Precondition
): Promise<void> {
  const coll = await articles();
  const deleted = await coll.findOneAndDelete({
    $and: [{ slug }, preconditionFilter(precondition)],
  });

  if (!deleted) {
    await explainMiss(coll, slug, precondition);
    // The article exists and matched after all: it was replaced in between.
    throw new PreconditionFailedError(etagOf(await mustFind(coll, slug)));
  }
}

async function mustFind(coll: Articles, slug: string) {
  const doc = await coll.findOne({ slug });

  if (!doc) {
    throw new NotFoundError();
  }

  return ArticleDocument.parse(doc);
}

/** A category and how many visible articles carry it. */
export interface CategoryCount {
  name: string;
  count: number;
}

/** Categories of the articles a caller may see, most used first. */
export async function listCategories(
  access: Access,
  now = new Date()
): Promise<CategoryCount[]> {
  const coll = await articles();
  const match = access.admin ? {} : visibleAt(now);
  const rows = await coll
    .aggregate<{ _id: string; count: number }>([
      { $match: match },
      { $unwind: '$category' },
      { $group: { _id: '$category', count: { $sum: 1 } } },
      { $sort: { count: -1, _id: 1 } },
    ])
    .toArray();

  return rows.map((row) => ({ name: row._id, count: row.count }));
}
