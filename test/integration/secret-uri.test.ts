import { createServer, type Server } from 'node:http';
import { resetSettings } from '../../src/core/config';
import { closeDb } from '../../src/core/db';
import { invoke } from '../support/invoke';

const realUri = process.env.MONGODB_URI ?? '';
const saved = { ...process.env };
let server: Server;
let secretString = '';
const requests: { target: string; body: string }[] = [];

// A stand-in for the Secrets Manager endpoint, so the real SDK client runs
// its real request path; only the AWS side is simulated, not the database.
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ target: String(req.headers['x-amz-target']), body });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:blog',
          Name: 'blog-api/dev/mongodb-uri',
          SecretString: secretString,
          VersionId: 'v1',
        })
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  delete process.env.MONGODB_URI;
  Object.assign(process.env, {
    MONGODB_URI_SECRET_ID: 'blog-api/dev/mongodb-uri',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});

beforeEach(async () => {
  requests.length = 0;
  await closeDb();
  resetSettings();
});

afterAll(async () => {
  await closeDb();
  process.env = { ...saved, MONGODB_URI: realUri };
  resetSettings();
  await new Promise<void>((done) => server.close(() => done()));
});

describe('a connection string in Secrets Manager', () => {
  it('is read once per container, as JSON with a uri key', async () => {
    secretString = JSON.stringify({ uri: realUri });

    const first = await invoke('listCategories');
    const second = await invoke('listCategories');

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.target).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(requests[0]?.body ?? '{}')).toEqual({
      SecretId: 'blog-api/dev/mongodb-uri',
    });
  });

  it('may also be the bare URI', async () => {
    secretString = realUri;

    const reply = await invoke('listCategories');

    expect(reply.status).toBe(200);
  });

  it('answers 500 without echoing a secret that is not a URI', async () => {
    secretString = 'postgres://user:hunter2@db/blog';

    const reply = await invoke('listCategories');

    expect(reply.status).toBe(500);
    expect(reply.raw.body).not.toContain('hunter2');
    expect(reply.body.code).toBe('internal_error');
  });
});
