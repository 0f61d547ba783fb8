import { handler as authorizer } from '../../functions/authorizer';
import { lambdaContext } from '../../local/apigw';
import { resetSettings } from '../../src/core/config';
import { closeDb } from '../../src/core/db';
import { logger } from '../../src/core/logger';
import { createApiKey } from '../../src/models/api-key';
import { routeOf } from '../../src/routes';
import { clearDatabase, published } from '../support/articles';
import { invoke } from '../support/invoke';

const PASSWORD = 'Sup3r-Secret-Passw0rd';
const realUri = process.env.MONGODB_URI ?? '';
let lines: string[] = [];
let restore: () => void;

// Captures both streams: warnings and errors go to stderr.
beforeEach(() => {
  lines = [];
  logger.setLogLevel('DEBUG');
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
  logger.setLogLevel('SILENT');
  await closeDb();
  process.env.MONGODB_URI = realUri;
  resetSettings();
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
    resetSettings();

    const reply = await invoke('listCategories');

    expect(reply.status).toBe(503);
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(reply.raw.body).not.toContain(PASSWORD);
    expect(parsed().map((line) => line.message)).toEqual(
      expect.arrayContaining(['database connect failed', 'request failed'])
    );
  });

  it('never carry an API key, used or refused, and name the request', async () => {
    await clearDatabase();
    await published(new Date(Date.now() - 1000), { main_title: 'Logged' });
    const { key } = await createApiKey('logging');
    const secret = key.split('_')[2] ?? key;
    const wrong = `blog_${'0'.repeat(24)}_${'y'.repeat(43)}`;
    const context = (id: string) => lambdaContext(routeOf('createArticle'), id);
    lines = [];

    await invoke('getArticle', {
      params: { slug: 'logged' },
      headers: { authorization: `Bearer ${key}` },
    });
    await invoke('getArticle', {
      params: { slug: 'logged' },
      headers: { authorization: `Bearer ${wrong}` },
    });
    await authorizer(
      { headers: { authorization: `Bearer ${key}` } } as never,
      context('authorizer-1')
    );
    await authorizer(
      { headers: { authorization: `Bearer ${wrong}` } } as never,
      context('authorizer-2')
    );

    const text = lines.join('');
    const done = parsed().filter((line) => line.message === 'request done');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('y'.repeat(43));
    expect(done).toHaveLength(2);
    expect(done.map((line) => line.status)).toEqual([200, 401]);
    expect(done.every((line) => line.function_request_id)).toBe(true);
    expect(
      parsed().filter((line) => line.message === 'api key refused')
    ).toMatchObject([{ function_request_id: 'authorizer-2' }]);
  });

  it('mask secret-looking fields wherever they appear', () => {
    logger.info('probe', {
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
