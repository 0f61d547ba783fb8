import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'bson';
import * as z from 'zod/mini';
import { type CollectionSpec, collection } from '../core/db';
import { NotFoundError, UnauthorizedError } from '../core/errors';
import { parseInput } from '../core/validate';

/** Admin API keys live here, stored only as a hash of their secret. */
export const API_KEYS: CollectionSpec = {
  name: 'api_keys',
  indexes: [{ key: { name: 1 }, name: 'name' }],
};

export const ApiKeyDocument = z.object({
  _id: z.instanceof(ObjectId),
  name: z.string(),
  hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  created_at: z.date(),
  last_used_at: z.nullable(z.date()),
  revoked: z.boolean(),
});
export type ApiKeyDocument = z.infer<typeof ApiKeyDocument>;

const ApiKeyListing = z.omit(ApiKeyDocument, { hash: true });

export const ApiKeyName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(60),
    z.regex(/^[\w .@-]+$/, 'must be letters, digits, spaces or _ . @ -')
  );

/** An admin identity that a valid key proves. */
export interface Admin {
  keyId: string;
  name: string;
}

const KEY_SHAPE = /^blog_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;
// last_used_at is written at most this often per key and container.
const TOUCH_INTERVAL_MS = 60_000;
const lastTouched = new Map<string, number>();

const keys = () => collection<ApiKeyDocument>(API_KEYS);

const sha256 = (text: string): Buffer =>
  createHash('sha256').update(text).digest();

/**
 * Creates a key from 256 random bits and stores only its hash. The key
 * itself is returned once and cannot be recovered later.
 */
export async function createApiKey(
  name: string,
  now = new Date()
): Promise<{ key: string; doc: ApiKeyDocument }> {
  const { name: validName } = parseInput(z.object({ name: ApiKeyName }), {
    name,
  });
  const id = new ObjectId();
  const secret = randomBytes(32).toString('base64url');
  const doc: ApiKeyDocument = {
    _id: id,
    name: validName,
    hash: sha256(secret).toString('hex'),
    created_at: now,
    last_used_at: null,
    revoked: false,
  };

  await (await keys()).insertOne(doc);

  return { key: `blog_${id.toHexString()}_${secret}`, doc };
}

/** Every key, newest first, without its hash. */
export async function listApiKeys(): Promise<Omit<ApiKeyDocument, 'hash'>[]> {
  const docs = await (await keys())
    .find({}, { projection: { hash: 0 } })
    .sort({ _id: -1 })
    .toArray();

  return docs.map((doc) => ApiKeyListing.parse(doc));
}

/** Revokes a key by id; a revoked key is refused from then on. */
export async function revokeApiKey(id: string): Promise<void> {
  if (!/^[0-9a-f]{24}$/.test(id)) {
    throw new NotFoundError(`No API key has the id "${id}".`);
  }

  const result = await (await keys()).updateOne(
    { _id: new ObjectId(id) },
    { $set: { revoked: true } }
  );

  if (result.matchedCount === 0) {
    throw new NotFoundError(`No API key has the id "${id}".`);
  }
}

/** Extracts the key from an `Authorization: Bearer <key>` header. */
export function bearerKey(header: string | undefined): string {
  if (!header) {
    throw new UnauthorizedError('Send an admin API key as a Bearer token.');
  }

  const match = /^Bearer +(\S+) *$/i.exec(header);

  if (!match?.[1]) {
    throw new UnauthorizedError(
      'The Authorization header must be "Bearer <key>".'
    );
  }

  return match[1];
}

// Compared against when the key id is unknown, so that an unknown id and a
// wrong secret take the same path through the comparison.
const DECOY = sha256('decoy');

/**
 * Checks an `Authorization` header against the stored keys. The secret is
 * compared in constant time; every refusal is the same 401.
 */
export async function verifyApiKey(
  header: string | undefined,
  now = new Date()
): Promise<Admin> {
  const key = bearerKey(header);
  const match = KEY_SHAPE.exec(key);

  if (!match?.[1] || !match[2]) {
    throw new UnauthorizedError('The API key is malformed.');
  }

  const coll = await keys();
  const found = await coll.findOne({ _id: new ObjectId(match[1]) });
  const doc = found ? ApiKeyDocument.parse(found) : undefined;
  const expected = doc ? Buffer.from(doc.hash, 'hex') : DECOY;
  const same = timingSafeEqual(sha256(match[2]), expected);

  if (!doc || !same || doc.revoked) {
    throw new UnauthorizedError('The API key is unknown or revoked.');
  }

  touch(coll, doc._id, now);

  return { keyId: doc._id.toHexString(), name: doc.name };
}

function touch(
  coll: Awaited<ReturnType<typeof keys>>,
  id: ObjectId,
  now: Date
): void {
  const key = id.toHexString();
  const last = lastTouched.get(key) ?? 0;

  if (now.getTime() - last < TOUCH_INTERVAL_MS) {
    return;
  }

  lastTouched.set(key, now.getTime());
  // Best effort: a failed timestamp must not fail the request it records.
  coll
    .updateOne({ _id: id }, { $set: { last_used_at: now } })
    .catch(() => lastTouched.delete(key));
}
