import { loadSettings, redact } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';

function failure(env: Record<string, string>): string {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSettings', () => {
  it('takes MONGODB_URI whole', () => {
    const settings = loadSettings({
      MONGODB_URI: 'mongodb://db.example:27017/blog',
    });

    expect(settings.mongo).toEqual({
      kind: 'uri',
      uri: 'mongodb://db.example:27017/blog',
      variable: 'MONGODB_URI',
    });
    expect(settings.stage).toBe('dev');
  });

  it('prefers the variable prefixed with the stage', () => {
    const settings = loadSettings({
      ENV_STATE: 'prd',
      MONGODB_URI: 'mongodb://plain/',
      PRD_MONGODB_URI: 'mongodb+srv://cluster.example.net/',
      DEV_MONGODB_URI: 'mongodb://dev/',
    });

    expect(settings.mongo).toMatchObject({
      uri: 'mongodb+srv://cluster.example.net/',
      variable: 'PRD_MONGODB_URI',
    });
  });

  it('builds the URI from parts and encodes the credentials', () => {
    const settings = loadSettings({
      DEV_MONGO_HOST: 'db.example',
      DEV_MONGO_PORT: '27018',
      DEV_MONGO_USER: 'blog',
      DEV_MONGO_PASS: 'p@ss/word',
      DEV_MONGO_DB: 'blog_dev',
    });

    expect(settings.mongo).toMatchObject({
      uri: 'mongodb://blog:p%40ss%2Fword@db.example:27018/',
    });
    expect(settings.dbName).toBe('blog_dev');
  });

  it('names the secret variable on Lambda', () => {
    const settings = loadSettings({
      MONGODB_URI_SECRET_ID: 'blog/prd/mongodb-uri',
    });

    expect(settings.mongo).toEqual({
      kind: 'secret',
      secretId: 'blog/prd/mongodb-uri',
      variable: 'MONGODB_URI_SECRET_ID',
    });
  });

  it('names the missing variable', () => {
    expect(failure({})).toContain('MONGODB_URI is not set');
  });

  it('names a malformed port with its prefix', () => {
    expect(failure({ DEV_MONGO_HOST: 'h', DEV_MONGO_PORT: '99999' })).toContain(
      'DEV_MONGO_PORT must be a whole number from 1 to 65535'
    );
  });

  it('refuses a port with mongodb+srv', () => {
    expect(
      failure({ MONGO_SCHEME: 'mongodb+srv', MONGO_HOST: 'h', MONGO_PORT: '1' })
    ).toContain('MONGO_PORT cannot be used with mongodb+srv');
  });

  it('wants a user and a password together', () => {
    expect(failure({ MONGO_HOST: 'h', MONGO_USER: 'u' })).toContain(
      'MONGO_PASS must be set'
    );
  });

  it('refuses a URI of another scheme without echoing it', () => {
    const message = failure({ MONGODB_URI: 'postgres://u:hunter2@h/db' });

    expect(message).toContain('MONGODB_URI must be mongodb://');
    expect(message).not.toContain('hunter2');
  });

  it('refuses an unknown stage', () => {
    expect(failure({ ENV_STATE: 'staging' })).toContain(
      'ENV_STATE must be dev or prd'
    );
  });
});

describe('redact', () => {
  it('hides the password of any connection string', () => {
    expect(redact('failed: mongodb+srv://user:s3cret@cluster/x')).toBe(
      'failed: mongodb+srv://user:***@cluster/x'
    );
  });
});
