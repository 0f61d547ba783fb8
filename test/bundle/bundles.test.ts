import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type OperationName,
  routeKey,
  routeOf,
  routes,
} from '../../src/routes';
import {
  authorizerFunction,
  type CfnTemplate,
  resourcesOf,
  routeFunctions,
} from '../support/template';

const ROOT = join(__dirname, '..', '..');
const EVENTS = join(ROOT, 'events');
const RUNNER = join(__dirname, 'invoke-bundle.cjs');
const SLUG = 'sample-article';
const JSON_TYPE = 'application/json; charset=utf-8';
// Each invocation gets a fresh process; a cold start takes well under this.
const INVOKE_TIMEOUT_MS = 20_000;

/** A built function: its asset folder and the handler the runtime calls. */
interface Bundle {
  folder: string;
  handler: string;
}

let outDir: string;
let template: CfnTemplate;
const bundles = new Map<string, Bundle>();
const database = `bundles_${process.pid}_${Date.now().toString(36)}`;

function bundleOf(logicalId: string): Bundle {
  const resource = template.Resources[logicalId];
  const asset = resource?.Metadata?.['aws:asset:path'];

  if (typeof asset !== 'string') {
    throw new Error(`${logicalId} has no bundled asset`);
  }

  return {
    folder: join(outDir, asset),
    handler: String(resource?.Properties?.Handler),
  };
}

/**
 * Invokes a bundle in a child `node` process with a sample event, against
 * the test database, and returns what its handler returned.
 */
function invokeBundle(bundle: Bundle, eventName: string): Promise<any> {
  const child = spawn(
    process.execPath,
    [RUNNER, bundle.folder, bundle.handler, join(EVENTS, `${eventName}.json`)],
    {
      cwd: bundle.folder,
      env: {
        ...process.env,
        ENV_STATE: 'dev',
        MONGO_DB: database,
        MONGODB_URI_SECRET_ID: '',
        LOG_LEVEL: 'SILENT',
        NODE_OPTIONS: '--enable-source-maps',
      },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      timeout: INVOKE_TIMEOUT_MS,
    }
  );
  const result: Buffer[] = [];
  const errors: Buffer[] = [];

  child.stdio[3]?.on('data', (chunk: Buffer) => result.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));

  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) {
        fail(
          new Error(
            `${eventName} exited with ${code}: ${Buffer.concat(errors)}`
          )
        );
        return;
      }

      done(JSON.parse(Buffer.concat(result).toString('utf8')));
    });
  });
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'blog-bundles-'));
  // The real app, bundling and cdk-nag included, as `cdk deploy` runs it.
  await promisify(execFile)(
    'npx',
    [
      'cdk',
      'synth',
      '--quiet',
      '--no-notices',
      '--output',
      outDir,
      '-c',
      'stage=dev',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }
  );
  template = JSON.parse(
    readFileSync(join(outDir, 'BlogApi-dev.template.json'), 'utf8')
  );

  for (const [key, logicalId] of routeFunctions(template)) {
    bundles.set(key, bundleOf(logicalId));
  }
}, 240_000);

afterAll(() => {
  if (outDir) {
    rmSync(outDir, { recursive: true, force: true });
  }
});

function bundleFor(operation: OperationName): Bundle {
  const bundle = bundles.get(routeKey(routeOf(operation)));

  if (!bundle) {
    throw new Error(`no bundle serves ${operation}`);
  }

  return bundle;
}

interface Expected {
  operation: OperationName;
  status: number;
  type?: string;
  /** Fields a JSON body has, or text an HTML body contains. */
  body?: unknown;
}

// In order: the sample article is created first and deleted last, so every
// route that names it finds it.
const CALLS: Expected[] = [
  {
    operation: 'createArticle',
    status: 201,
    type: JSON_TYPE,
    body: { slug: SLUG, status: 'draft', version: 1 },
  },
  {
    operation: 'publishArticle',
    status: 200,
    type: JSON_TYPE,
    body: { slug: SLUG, status: 'published', version: 2 },
  },
  {
    operation: 'getArticle',
    status: 200,
    type: JSON_TYPE,
    body: { slug: SLUG, status: 'published' },
  },
  {
    operation: 'listArticles',
    status: 200,
    type: JSON_TYPE,
    body: { data: [expect.objectContaining({ slug: SLUG })] },
  },
  {
    operation: 'listCategories',
    status: 200,
    type: JSON_TYPE,
    body: {
      data: [
        { name: 'mongodb', count: 1 },
        { name: 'serverless', count: 1 },
      ],
    },
  },
  {
    operation: 'updateArticle',
    status: 200,
    type: JSON_TYPE,
    body: { featured: true, version: 3 },
  },
  {
    operation: 'unpublishArticle',
    status: 200,
    type: JSON_TYPE,
    body: { status: 'draft', version: 4 },
  },
  {
    operation: 'getOpenApi',
    status: 200,
    type: JSON_TYPE,
    body: { openapi: '3.1.0' },
  },
  {
    operation: 'getDocs',
    status: 200,
    type: 'text/html; charset=utf-8',
    body: '<h1>Blog Content API',
  },
  { operation: 'deleteArticle', status: 204 },
];

describe('the built bundles', () => {
  it('include one bundle per route, each run through index.handler', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');

    expect([...bundles.keys()].sort()).toEqual(routes.map(routeKey).sort());
    expect(functions).toHaveLength(routes.length + 1);
    expect(new Set(functions.map(([, fn]) => fn.Properties?.Handler))).toEqual(
      new Set(['index.handler'])
    );
  });

  it('are each called once below, the delete last', () => {
    expect(CALLS.map((c) => c.operation).sort()).toEqual(
      routes.map((r) => r.operation).sort()
    );
    expect(CALLS.at(-1)?.operation).toBe('deleteArticle');
  });

  it.each(CALLS)(
    'answers $operation with $status from its bundle',
    async ({ operation, status, type, body }) => {
      const result = await invokeBundle(bundleFor(operation), operation);

      expect(result.statusCode).toBe(status);
      expect(result.headers['content-type']).toBe(type);

      if (type === JSON_TYPE) {
        expect(JSON.parse(result.body)).toMatchObject(body as object);
      } else if (type) {
        expect(result.body).toContain(body);
      } else {
        expect(result.body).toBeUndefined();
      }
    },
    INVOKE_TIMEOUT_MS + 5_000
  );

  it('passes a refused key on to the handler as a verdict', async () => {
    const bundle = bundleOf(authorizerFunction(template));

    const result = await invokeBundle(bundle, 'authorizer');

    expect(result).toEqual({
      isAuthorized: true,
      context: { admin: false, reason: 'The API key is unknown or revoked.' },
    });
  });
});
