import { join } from 'node:path';

/** The repository root, which entries and the report are relative to. */
export const ROOT = join(__dirname, '..');
