import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BlogApiStack, STAGE_DEFAULTS } from '../../lib/blog-api-stack';
import { matchRoute } from '../../local/apigw';
import { type LocalServer, startLocalServer } from '../../local/server';
import { documentPaths, type OpenApiDocument } from '../../src/openapi';
import { type Route, routeKey, routes } from '../../src/routes';
import {
  type CfnTemplate,
  routeFunctions,
  templateRouteKeys,
} from '../support/template';

// The route table is the source of truth; every other list of routes must
// equal it: the CDK template, the local server and the OpenAPI document.

const table = routes as readonly Route[];
const tableKeys = table.map(routeKey).sort();
const ROUTE_MISS = 'No route matches this path.';
// Methods API Gateway could route; probing each one finds extra routes too.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

// Bundling is skipped: the routes are in the template without it.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new BlogApiStack(app, 'BlogApi-dev', {
  config: STAGE_DEFAULTS.dev,
});
const template = Template.fromStack(stack).toJSON() as CfnTemplate;

/** A path a client would send for a route, parameters filled in. */
const requestPath = (path: string) =>
  path.replace(/\{\w+\}/g, 'sample-article');

const keysOf = (doc: Pick<OpenApiDocument, 'paths'>) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path}`)
  );

/** Every route key matchRoute knows among the given paths and METHODS. */
function localRouteKeys(paths: string[]): string[] {
  const found = new Set<string>();

  for (const path of paths) {
    for (const method of METHODS) {
      const result = matchRoute(method, requestPath(path));

      if (result.kind === 'route') {
        found.add(routeKey(result.match.route));
      }
    }
  }

  return [...found].sort();
}

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer({ port: 0, log: () => {} });
});

afterAll(() => server.close());

describe('the route table', () => {
  it('lists each route key once', () => {
    expect(new Set(tableKeys).size).toBe(table.length);
  });
});

describe('the CDK template', () => {
  it('has exactly the route keys of the table', () => {
    expect(templateRouteKeys(template).sort()).toEqual(tableKeys);
  });

  it('sends each route key to the function made for its operation', () => {
    const wired = Object.fromEntries(routeFunctions(template));
    const expected = Object.fromEntries(
      table.map((route) => {
        const fn = stack.functions.get(route.operation);
        const resource = fn?.node.defaultChild;

        return [
          routeKey(route),
          resource ? stack.getLogicalId(resource as never) : undefined,
        ];
      })
    );

    expect(wired).toEqual(expected);
  });
});

describe('the local server', () => {
  it('matches exactly the route keys of the table', () => {
    const paths = [
      ...new Set([
        ...table.map((r) => r.path),
        ...templateRouteKeys(template).map((key) => key.split(' ')[1] ?? ''),
        ...documentPaths().map((key) => key.split(' ')[1] ?? ''),
      ]),
    ];

    expect(localRouteKeys(paths)).toEqual(tableKeys);
  });

  it('matches each request to the route of its own operation', () => {
    const matched = table.map((route) => {
      const result = matchRoute(route.method, requestPath(route.path));

      return result.kind === 'route' ? result.match.route.operation : result;
    });

    expect(matched).toEqual(table.map((route) => route.operation));
  });

  it('answers every route of the table with its handler', async () => {
    const replies = await Promise.all(
      table.map(async (route) => {
        const response = await fetch(
          `${server.url}${requestPath(route.path)}`,
          { method: route.method }
        );
        const text = await response.text();
        const detail = text.startsWith('{') ? JSON.parse(text).detail : '';

        return { key: routeKey(route), status: response.status, detail };
      })
    );

    const misses = replies.filter(
      (reply) => reply.status === 405 || reply.detail === ROUTE_MISS
    );

    expect(replies).toHaveLength(table.length);
    expect(misses).toEqual([]);
  });

  it('answers a path outside the table as a route miss', async () => {
    const response = await fetch(`${server.url}/not-a-route`);
    const body = (await response.json()) as { detail: string };

    expect(response.status).toBe(404);
    expect(body.detail).toBe(ROUTE_MISS);
  });
});

describe('the OpenAPI document', () => {
  it('has exactly the route keys of the table', () => {
    expect(documentPaths().sort()).toEqual(tableKeys);
  });

  it('is served by the local server with exactly those route keys', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    const served = (await response.json()) as OpenApiDocument;

    expect(response.status).toBe(200);
    expect(keysOf(served).sort()).toEqual(tableKeys);
  });
});
