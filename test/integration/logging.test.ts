const PASSWORD = 'Sup3r-Secret-Passw0rd';
const realUri = process.env.MONGODB_URI ?? '';

// The logger reads its level when it is created and returns to it on every
// invocation, so the modules are loaded only after the level is set.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';

const load = async () => ({
  ...(await import('../../functions/authorizer')),
  ...(await import('../../src/core/config')),
  ...(await import('../../src/core/db')),
  ...(await import('../../src/core/logger')),
  ...(await import('../../src/models/api-key')),
  ...(await import('../../local/apigw')),
  ...(await import('../../src/routes')),
  ...(await import('../support/articles')),
  ...(await import('../support/invoke')),
});

let m: Awaited<ReturnType<typeof load>>;
let lines: string[] = [];
let restore: () => void;

beforeAll(async () => {
  m = await load();
});

// Captures both streams: the logger writes warnings and errors to stderr.
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(chunk.toString());
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  restore = () => {
    for (const spy of spies) {
      spy.mockRestore();
    }
  };
});

afterEach(async () => {
  restore();
  await m.closeDb();
  process.env.MONGODB_URI = realUri;
  m.resetSettings();
});

const parsed = () =>
  lines
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('logs', () => {
  it('never carry the password of an unreachable database', async () => {
    process.env.MONGODB_URI = `mongodb://blog:${PASSWORD}@127.0.0.1:9/`;
    m.resetSettings();

    const reply = await m.invoke('listCategories');

    expect(reply.status).toBe(503);
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(reply.raw.body).not.toContain(PASSWORD);
    expect(parsed().map((line) => line.message)).toEqual(
      expect.arrayContaining(['database connect failed', 'request failed'])
    );
  });

  it('never carry an API key, used or refused, and name the request', async () => {
    await m.clearDatabase();
    await m.published(new Date(Date.now() - 1000), { main_title: 'Logged' });
    const { key } = await m.createApiKey('logging');
    const secret = key.split('_')[2] ?? key;
    const wrong = `blog_${'0'.repeat(24)}_${'y'.repeat(43)}`;
    const context = (id: string) =>
      m.lambdaContext(m.routeOf('createArticle'), id);
    lines = [];

    await m.invoke('getArticle', {
      params: { slug: 'logged' },
      headers: { authorization: `Bearer ${key}` },
    });
    await m.invoke('getArticle', {
      params: { slug: 'logged' },
      headers: { authorization: `Bearer ${wrong}` },
    });
    await m.handler(
      { headers: { authorization: `Bearer ${key}` } } as never,
      context('authorizer-1')
    );
    await m.handler(
      { headers: { authorization: `Bearer ${wrong}` } } as never,
      context('authorizer-2')
    );

    const text = lines.join('');
    const done = parsed().filter((line) => line.message === 'request done');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('y'.repeat(43));
    expect(done).toHaveLength(2);
    expect(done.every((line) => line.function_request_id)).toBe(true);
    expect(
      parsed().filter((line) => line.message === 'api key refused')
    ).toHaveLength(1);
  });

  it('mask secret-looking fields wherever they appear', () => {
    m.logger.info('probe', {
      authorization: 'Bearer abc',
      uri: `mongodb://u:${PASSWORD}@h/`,
      note: `mongodb+srv://u:${PASSWORD}@h/`,
    });

    const [line] = parsed();
    expect(line.authorization).toBe('***');
    expect(line.uri).toBe('***');
    expect(line.note).toBe('mongodb+srv://u:***@h/');
  });
});
