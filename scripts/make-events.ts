// Writes events/<operationId>.json, one API Gateway HTTP API (payload 2.0)
// event per operation, and events/authorizer.json, for `sam local invoke`
// and the bundle tests. The events come from the code the local server uses,
// with fixed ids and times, so running this again changes nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchRoute, toEvent } from '../local/apigw';
import type { ApiEvent, AuthorizerContext } from '../src/core/http';
import { type OperationName, type Route, routeOf, routes } from '../src/routes';

const OUT = join(__dirname, '..', 'events');

/** The slug every sample event that names an article uses. */
const SAMPLE_SLUG = 'sample-article';

const SAMPLE_TIME = new Date('2025-03-14T09:30:00.000Z');
const SAMPLE_KEY_ID = '65f2c1a0e4b0a1b2c3d4e5f6';
// Shaped like an admin key so the authorizer looks it up, but no database
// holds it: the sample authorizer event is always refused.
const SAMPLE_KEY = `blog_${SAMPLE_KEY_ID}_${'sample-key-never-stored'.padEnd(43, '0')}`;

/** The verdict API Gateway passes on after the authorizer accepted a key. */
const ADMIN: AuthorizerContext = {
  admin: true,
  key_id: SAMPLE_KEY_ID,
  key_name: 'sample',
};

interface Sample {
  query?: string;
  body?: unknown;
}

// Keyed by operation, so a route added to the table without a sample event
// fails the type check.
const SAMPLES: Record<OperationName, Sample> = {
  listArticles: { query: 'category=serverless&limit=10' },
  createArticle: {
    body: {
      main_title: 'A Sample Article',
      slug: SAMPLE_SLUG,
      meta_title: 'A sample article for local invocations',
      meta_description: 'What a stored article looks like, end to end.',
      summary: 'An article the sample events create, read, change and delete.',
      content:
        'Each route of the API has its own function. This article is what the sample events use to call each of them once, from creation to deletion.',
      category: ['serverless', 'mongodb'],
      keywords: ['lambda', 'api gateway'],
      image: {
        url: 'https://images.example.com/sample-article.png',
        alt: 'A diagram of the request path',
      },
      author: 'Sample Author',
    },
  },
  getArticle: {},
  updateArticle: {
    body: {
      summary: 'The same sample article, with a new summary.',
      featured: true,
    },
  },
  deleteArticle: {},
  // No body: publish now, so a public read finds the article afterwards.
  publishArticle: {},
  unpublishArticle: {},
  listCategories: {},
  getOpenApi: {},
  getDocs: {},
};

/** A stable request id per name, shaped like the UUIDs API Gateway uses. */
function requestIdFor(name: string): string {
  const hex = createHash('sha256').update(`sample:${name}`).digest('hex');

  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `a${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

interface EventOptions {
  /** Names the request id; the operation by default. */
  name?: string;
  /** False for a request the authorizer has not decided on yet. */
  authorized?: boolean;
}

function eventFor(
  route: Route,
  sample: Sample,
  options: EventOptions = {}
): ApiEvent {
  const name = options.name ?? route.operation;
  const verdict =
    route.auth === 'admin' && options.authorized !== false ? ADMIN : undefined;
  const path = route.path.replace('{slug}', SAMPLE_SLUG);
  const found = matchRoute(route.method, path);

  if (found.kind !== 'route') {
    throw new Error(
      `the local server has no route for ${route.method} ${path}`
    );
  }

  const body =
    sample.body === undefined ? undefined : JSON.stringify(sample.body);
  const html = route.success.contentType?.startsWith('text/html');
  const headers: Record<string, string> = {
    accept: html ? 'text/html' : 'application/json',
    host: 'localhost:3000',
    'user-agent': 'curl/8.5.0',
    ...(route.auth === 'admin'
      ? { authorization: `Bearer ${SAMPLE_KEY}` }
      : {}),
    ...(body === undefined
      ? {}
      : {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        }),
  };
  const event = toEvent(
    {
      method: route.method,
      url: sample.query ? `${path}?${sample.query}` : path,
      headers,
      body,
    },
    found.match,
    verdict
  );

  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      requestId: requestIdFor(name),
      time: SAMPLE_TIME.toUTCString(),
      timeEpoch: SAMPLE_TIME.getTime(),
    },
  };
}

/**
 * The REQUEST authorizer event for creating the sample article, built the
 * way the local server builds it. API Gateway sends an authorizer no body.
 */
function authorizerEvent(): Record<string, unknown> {
  const {
    body: _body,
    isBase64Encoded: _encoded,
    ...event
  } = eventFor(routeOf('createArticle'), SAMPLES.createArticle, {
    name: 'authorizer',
    authorized: false,
  });
  const { accountId, apiId, stage, http } = event.requestContext;

  return {
    ...event,
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:${accountId}:${apiId}/${stage}/${http.method}${http.path}`,
    identitySource: [event.headers.authorization],
  };
}

function write(name: string, value: unknown): void {
  writeFileSync(
    join(OUT, `${name}.json`),
    `${JSON.stringify(value, null, 2)}\n`
  );
}

function main(): void {
  mkdirSync(OUT, { recursive: true });

  for (const route of routes as readonly Route[]) {
    write(
      route.operation,
      eventFor(route, SAMPLES[route.operation as OperationName])
    );
  }

  write('authorizer', authorizerEvent());
  console.log(`wrote ${routes.length + 1} events to events/`);
}

main();
