import * as z from 'zod/mini';

/**
 * Fields the data layer keeps on every stored document. Clients never set
 * them: `version` starts at 1 and grows by one on every write, and backs the
 * ETag of the document.
 */
export const Stamps = z.object({
  created_at: z.date(),
  updated_at: z.date(),
  version: z.int().check(z.positive()),
});
export type Stamps = z.infer<typeof Stamps>;

/** The stamps of a document written for the first time. */
export function firstStamps(now: Date): Stamps {
  return { created_at: now, updated_at: now, version: 1 };
}

/** The update operators that move the stamps forward on a change. */
export function nextStamps(now: Date) {
  return {
    $set: { updated_at: now },
    $inc: { version: 1 },
  } as const;
}

/** Reasons given to a client that tries to set a stamp. */
export const STAMP_FIELDS: Readonly<Record<string, string>> = {
  created_at: 'is set by the server',
  updated_at: 'is set by the server',
  version: 'is set by the server',
  _id: 'is set by the server',
  id: 'is set by the server',
};
