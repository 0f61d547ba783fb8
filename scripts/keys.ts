import { closeDb } from '../src/core/db';
import { ApiError, ConfigError } from '../src/core/errors';
import { createApiKey, listApiKeys, revokeApiKey } from '../src/models/api-key';

const USAGE = `usage:
  npm run keys -- create <name>   create a key and print it once
  npm run keys -- list            list keys (never their secrets)
  npm run keys -- revoke <id>     revoke a key by id

The database is the one the API uses: MONGODB_URI (or the MONGO_* parts),
with ENV_STATE choosing the DEV_ or PRD_ variables.`;

/** Manages admin API keys in the configured database. */
async function main(args: string[]): Promise<number> {
  const [command, value] = args;

  switch (command) {
    case 'create': {
      if (!value) {
        break;
      }
      const { key, doc } = await createApiKey(value);
      console.log(`created key ${doc._id.toHexString()} named "${doc.name}"`);
      console.log('store it now; it cannot be shown again:');
      console.log(key);
      return 0;
    }
    case 'list': {
      const keys = await listApiKeys();
      for (const key of keys) {
        const state = key.revoked ? 'revoked' : 'active';
        const used = key.last_used_at?.toISOString() ?? 'never used';
        console.log(
          `${key._id.toHexString()}  ${state.padEnd(7)}  ${key.created_at.toISOString()}  ${used}  ${key.name}`
        );
      }
      if (keys.length === 0) {
        console.log('no keys yet');
      }
      return 0;
    }
    case 'revoke': {
      if (!value) {
        break;
      }
      await revokeApiKey(value);
      console.log(`revoked key ${value}`);
      return 0;
    }
  }

  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2))
  .catch((error: unknown) => {
    if (error instanceof ApiError || error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  })
  .then(async (code) => {
    await closeDb();
    process.exitCode = code;
  });
