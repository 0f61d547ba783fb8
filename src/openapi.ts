import * as z from 'zod/mini';
import { MAX_BODY_BYTES, PUBLIC_MAX_AGE_SECONDS } from './core/http';
import { Problem } from './core/problem';
import {
  ArticleCreate,
  ArticleUpdate,
  ArticleView,
  PublishRequest,
} from './models/article';
import { DEFAULT_LIMIT, MAX_LIMIT } from './models/article-query';
import {
  ArticleList,
  ArticleSummary,
  CategoryList,
  type OperationName,
  type Route,
  routes,
} from './routes';

export type JsonSchema = z.core.JSONSchema.JSONSchema;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiHeader {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface OpenApiExample {
  summary: string;
  value: unknown;
}

export interface OpenApiMediaType {
  schema: JsonSchema;
  examples?: Record<string, OpenApiExample>;
}

export interface OpenApiRequestBody {
  description?: string;
  required: boolean;
  content: Record<string, OpenApiMediaType>;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, OpenApiHeader>;
  content?: Record<string, OpenApiMediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OpenApiOperation {
  tags: string[];
  operationId: string;
  summary: string;
  description?: string;
  security: SecurityRequirement[];
  parameters?: OpenApiParameter[];
  requestBody?: OpenApiRequestBody;
  responses: Record<string, OpenApiResponse>;
}

export type HttpVerb = 'get' | 'post' | 'patch' | 'delete';

export type OpenApiPathItem = Partial<Record<HttpVerb, OpenApiOperation>>;

export interface OpenApiSecurityScheme {
  type: 'http';
  scheme: 'bearer';
  bearerFormat?: string;
  description: string;
}

/** The part of an OpenAPI 3.1 document this API writes and its page reads. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: {
    title: string;
    version: string;
    description?: string;
    license?: { name: string; identifier: string };
  };
  tags?: { name: string; description?: string }[];
  paths: Record<string, OpenApiPathItem>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    securitySchemes?: Record<string, OpenApiSecurityScheme>;
  };
}

/** A problem code clients can meet, with its status and when it happens. */
export interface ProblemCode {
  code: string;
  status: number;
  meaning: string;
}

/** Every `code` a problem document can carry, in status order. */
export const PROBLEM_CODES: readonly ProblemCode[] = [
  {
    code: 'validation_failed',
    status: 400,
    meaning: 'A parameter or body field broke a rule; `errors` names each one.',
  },
  {
    code: 'bad_request',
    status: 400,
    meaning: 'The request cannot be read for a reason other than one field.',
  },
  {
    code: 'malformed_json',
    status: 400,
    meaning: 'The body is not valid JSON.',
  },
  {
    code: 'unauthorized',
    status: 401,
    meaning:
      'The request needs an admin API key, or the one sent is not valid.',
  },
  {
    code: 'forbidden',
    status: 403,
    meaning: 'The key is valid but may not do this.',
  },
  {
    code: 'not_found',
    status: 404,
    meaning: 'Nothing is at this address, or the article is not published yet.',
  },
  {
    code: 'method_not_allowed',
    status: 405,
    meaning: 'The address exists but not with this method; `Allow` lists them.',
  },
  {
    code: 'conflict',
    status: 409,
    meaning: 'The request clashes with the current state of the data.',
  },
  {
    code: 'slug_taken',
    status: 409,
    meaning: 'Another article already has the slug you chose.',
  },
  {
    code: 'precondition_failed',
    status: 412,
    meaning:
      'The article changed since `If-Match` was read; `ETag` has the new tag.',
  },
  {
    code: 'payload_too_large',
    status: 413,
    meaning: `The body is over ${MAX_BODY_BYTES / 1024} KiB.`,
  },
  {
    code: 'unsupported_media_type',
    status: 415,
    meaning: 'A body was sent with a content type other than JSON.',
  },
  {
    code: 'internal_error',
    status: 500,
    meaning:
      'Something failed on the server; quote `request_id` when you report it.',
  },
  {
    code: 'database_unavailable',
    status: 503,
    meaning: 'The database cannot be reached; retry after `Retry-After`.',
  },
];

const SCHEMA_REF = '#/components/schemas/';

const INFO_DESCRIPTION = [
  [
    'Articles and categories of a blog: anyone may read them, holders of an',
    'admin API key write them.',
  ],
  [
    'Reads, and writes that return an article, carry an `ETag`. Send it back',
    'in `If-None-Match` to get a `304`, or in `If-Match` so that a write fails',
    'with a `412` when someone else changed the article first.',
  ],
  [
    'Errors are `application/problem+json` documents with a stable `code`;',
    'their `type` links to its explanation.',
  ],
]
  .map((paragraph) => paragraph.join(' '))
  .join('\n\n');

const TAGS = [
  {
    name: 'articles',
    description: 'Reading, writing and publishing articles.',
  },
  { name: 'categories', description: 'Categories in use, with counts.' },
  { name: 'meta', description: 'This description of the API.' },
];

/**
 * Descriptions of parameters whose zod schema carries rules but no words;
 * a `describe()` on the schema takes precedence over these.
 */
const PARAMETER_NOTES: Readonly<Record<string, string>> = {
  slug: 'The article slug, as returned in `slug`.',
  limit: `Articles per page, 1 to ${MAX_LIMIT}; ${DEFAULT_LIMIT} when absent.`,
  cursor: 'The `meta.next_cursor` of the previous page.',
  category: 'Only articles in this category.',
  featured: 'Only featured (`true`) or only other (`false`) articles.',
  author: 'Only articles by this author.',
  q: 'Words to look for in the titles.',
  status:
    'Only articles in this state; `draft` and `scheduled` need an admin key.',
  total: 'With `true`, `meta.total` counts every matching article.',
};

const EXAMPLES: Partial<Record<OperationName, Record<string, OpenApiExample>>> =
  {
    createArticle: {
      draft: {
        summary: 'A draft with the slug derived from the title',
        value: {
          main_title: 'Indexes that keep a blog fast',
          summary: 'How one compound index serves the public article list.',
          content: 'A list sorted newest first reads an index in order...',
          category: ['databases'],
          keywords: ['mongodb', 'indexes'],
        },
      },
      published: {
        summary: 'Published at once, with a chosen slug',
        value: {
          main_title: 'Release notes for March',
          slug: 'release-notes-march',
          summary: 'What changed this month.',
          featured: true,
          published: true,
        },
      },
    },
    updateArticle: {
      retitle: {
        summary: 'A new title and summary; the slug stays',
        value: {
          main_title: 'Indexes that keep any blog fast',
          summary: 'One compound index, the public list, and why it is quick.',
        },
      },
    },
    publishArticle: {
      now: { summary: 'Publish now', value: {} },
      scheduled: {
        summary: 'Schedule for a later moment',
        value: { published_at: '2031-05-04T09:00:00+02:00' },
      },
    },
  };

// Request bodies are described as clients write them, responses as the
// server sends them; one schema can differ between the two (defaults).
const inputs = z.registry<{ id: string }>();
inputs.add(ArticleCreate, { id: 'ArticleCreate' });
inputs.add(ArticleUpdate, { id: 'ArticleUpdate' });
inputs.add(PublishRequest, { id: 'PublishRequest' });

const outputs = z.registry<{ id: string }>();
outputs.add(ArticleView, { id: 'ArticleView' });
outputs.add(ArticleSummary, { id: 'ArticleSummary' });
outputs.add(ArticleList, { id: 'ArticleList' });
outputs.add(CategoryList, { id: 'CategoryList' });
outputs.add(Problem, { id: 'Problem' });

/**
 * What API Gateway answers by itself, before any function runs: a body over
 * its size limit gets a 413 with this JSON, not a problem document. The
 * local server does the same above the size it is willing to read.
 */
const GatewayMessage = z
  .object({ message: z.string() })
  .register(z.globalRegistry, {
    description: 'An error answered by the API gateway itself.',
  });
outputs.add(GatewayMessage, { id: 'GatewayMessage' });

type Io = 'input' | 'output';

// zod writes the safe-integer range on every int; it is not a rule of this
// API and would only add noise to the document.
const dropSafeIntegerBounds = (ctx: { jsonSchema: JsonSchema }) => {
  const schema = ctx.jsonSchema;

  if (schema.minimum === Number.MIN_SAFE_INTEGER) {
    delete schema.minimum;
  }

  if (schema.maximum === Number.MAX_SAFE_INTEGER) {
    delete schema.maximum;
  }
};

const options = (io: Io) =>
  ({
    io,
    target: 'draft-2020-12',
    override: dropSafeIntegerBounds,
  }) as const;

// Every schema in the document shares its dialect, and a component's address
// is its place in the document, so neither is repeated inside a schema.
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;

  return rest;
}

function schemaOf(schema: z.ZodMiniType, io: Io): JsonSchema {
  const registry = io === 'input' ? inputs : outputs;
  const id = registry.get(schema)?.id;

  return id
    ? { $ref: `${SCHEMA_REF}${id}` }
    : bare(z.toJSONSchema(schema, options(io)) as JsonSchema);
}

function componentSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};

  for (const [registry, io] of [
    [inputs, 'input'],
    [outputs, 'output'],
  ] as const) {
    const { schemas } = z.toJSONSchema(registry, {
      ...options(io),
      uri: (id) => `${SCHEMA_REF}${id}`,
    });

    for (const [id, schema] of Object.entries(schemas)) {
      out[id] = bare(schema as JsonSchema);
    }
  }

  out.Problem = {
    ...out.Problem,
    description:
      'An RFC 9457 problem document; `type` links to the meaning of `code`.',
  };

  return out;
}

// Routes that never open the database need no key and cannot answer 503.
const isMeta = (route: Route) => route.database === false;

function securityOf(route: Route): SecurityRequirement[] {
  if (route.auth === 'admin') {
    return [{ adminKey: [] }];
  }

  return isMeta(route) ? [] : [{}, { adminKey: [] }];
}

function parametersOf(
  shape: z.ZodMiniObject,
  where: 'path' | 'query'
): OpenApiParameter[] {
  const object = z.toJSONSchema(shape, options('input')) as JsonSchema;
  const required = new Set(object.required ?? []);

  return Object.entries(object.properties ?? {}).map(([name, schema]) => {
    const field = typeof schema === 'boolean' ? {} : schema;
    const note = field.description ?? PARAMETER_NOTES[name];

    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(note ? { description: note } : {}),
      schema: field,
    };
  });
}

const ifMatchParameter: OpenApiParameter = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'The `ETag` you read: a 412 refuses the write if the article changed.',
  schema: { type: 'string' },
};

const ifNoneMatchParameter: OpenApiParameter = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description:
    'An `ETag` you hold: a 304 without a body answers while it is current.',
  schema: { type: 'string' },
};

const etagHeader: OpenApiHeader = {
  description:
    'The version of this representation; an article changes it on writes.',
  schema: { type: 'string' },
};

const cacheControlHeader: OpenApiHeader = {
  description: [
    `\`public, max-age=${PUBLIC_MAX_AGE_SECONDS}\` for readers;`,
    '`private, no-store` when an admin key was sent.',
  ].join(' '),
  schema: { type: 'string' },
};

function successOf(route: Route): Record<string, OpenApiResponse> {
  const { success } = route;
  const headers: Record<string, OpenApiHeader> = {};

  if (success.schema === ArticleView || route.conditional) {
    headers.ETag = etagHeader;
  }

  if (success.status === 201) {
    headers.Location = {
      description: 'The address of the new article.',
      required: true,
      schema: { type: 'string', format: 'uri-reference' },
    };
  }

  if (route.method === 'GET') {
    headers['Cache-Control'] = cacheControlHeader;
  }

  const response: OpenApiResponse = { description: success.description };

  if (Object.keys(headers).length > 0) {
    response.headers = headers;
  }

  if (success.status !== 204) {
    const type = success.contentType ?? 'application/json';
    const schema: JsonSchema = success.schema
      ? schemaOf(success.schema, 'output')
      : { type: type.includes('json') ? 'object' : 'string' };

    response.content = { [type]: { schema } };
  }

  const out: Record<string, OpenApiResponse> = {
    [String(success.status)]: response,
  };

  if (route.conditional) {
    out['304'] = {
      description: 'Not modified: the `If-None-Match` tag is still current.',
      headers: { ETag: etagHeader, 'Cache-Control': cacheControlHeader },
    };
  }

  return out;
}

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'The request is invalid',
  401: 'An admin API key is required, or the one sent is not valid',
  404: 'No article has this slug, or the caller may not see it',
  409: 'The chosen slug is taken',
  412: 'The article changed since the `If-Match` tag was read',
  413: 'The body is too large',
  415: 'The body is not JSON',
  500: 'An unexpected error; the body says nothing about its cause',
  503: 'The database is unreachable for now',
};

function problem(
  status: number,
  codes: string[],
  headers?: Record<string, OpenApiHeader>
): OpenApiResponse {
  const list = codes.map((code) => `\`${code}\``).join(', ');

  return {
    description: `${STATUS_TITLES[status]} (${list}).`,
    ...(headers ? { headers } : {}),
    content: {
      'application/problem+json': {
        schema: { $ref: `${SCHEMA_REF}Problem` },
      },
    },
  };
}

function problemsOf(route: Route): Record<string, OpenApiResponse> {
  const out: Record<string, OpenApiResponse> = {};

  if (route.params || route.query || route.body) {
    out['400'] = problem(
      400,
      route.body
        ? ['validation_failed', 'malformed_json']
        : ['validation_failed']
    );
  }

  if (!isMeta(route)) {
    out['401'] = problem(401, ['unauthorized'], {
      'WWW-Authenticate': {
        description: 'The scheme to use: `Bearer`.',
        schema: { type: 'string' },
      },
    });
  }

  if (route.path.includes('{slug}')) {
    out['404'] = problem(404, ['not_found']);
  }

  if (route.operation === 'createArticle') {
    out['409'] = problem(409, ['slug_taken']);
  }

  if (route.ifMatch) {
    out['412'] = problem(412, ['precondition_failed'], {
      ETag: { ...etagHeader, description: 'The current version.' },
    });
  }

  if (route.body) {
    const tooLarge = problem(413, ['payload_too_large']);

    out['413'] = {
      ...tooLarge,
      description: `${tooLarge.description} Past the gateway's own limit, the gateway answers with a \`GatewayMessage\` instead.`,
      content: {
        ...tooLarge.content,
        'application/json': { schema: schemaOf(GatewayMessage, 'output') },
      },
    };
    out['415'] = problem(415, ['unsupported_media_type']);
  }

  out['500'] = problem(500, ['internal_error']);

  if (!isMeta(route)) {
    out['503'] = problem(503, ['database_unavailable'], {
      'Retry-After': {
        description: 'Seconds to wait before trying again.',
        schema: { type: 'integer' },
      },
    });
  }

  return out;
}

function requestBodyOf(route: Route, body: z.ZodMiniType): OpenApiRequestBody {
  const examples = EXAMPLES[route.operation as OperationName];
  const refused = Object.keys(route.readOnly ?? {}).map((f) => `\`${f}\``);
  const notes = [
    route.bodyOptional ? 'May be left out; an empty body reads as `{}`.' : '',
    refused.length > 0
      ? `Refused with rule \`read_only\`: ${refused.join(', ')}.`
      : '',
  ].filter(Boolean);

  return {
    ...(notes.length > 0 ? { description: notes.join(' ') } : {}),
    required: !route.bodyOptional,
    content: {
      'application/json': {
        schema: schemaOf(body, 'input'),
        ...(examples ? { examples } : {}),
      },
    },
  };
}

function operationOf(route: Route): OpenApiOperation {
  const parameters = [
    ...(route.params ? parametersOf(route.params, 'path') : []),
    ...(route.query ? parametersOf(route.query, 'query') : []),
    ...(route.ifMatch ? [ifMatchParameter] : []),
    ...(route.conditional && route.method === 'GET'
      ? [ifNoneMatchParameter]
      : []),
  ];
  const responses = Object.fromEntries(
    Object.entries({ ...successOf(route), ...problemsOf(route) }).sort(
      ([a], [b]) => Number(a) - Number(b)
    )
  );

  return {
    tags: [route.tag],
    operationId: route.operation,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: securityOf(route),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBodyOf(route, route.body) } : {}),
    responses,
  };
}

function build(): OpenApiDocument {
  const paths: Record<string, OpenApiPathItem> = {};

  for (const route of routes as readonly Route[]) {
    const item = paths[route.path] ?? {};
    const verb = route.method.toLowerCase() as HttpVerb;

    if (item[verb]) {
      throw new Error(
        `the route table lists ${route.method} ${route.path} twice`
      );
    }

    item[verb] = operationOf(route);
    paths[route.path] = item;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Blog Content API',
      version: '0.1.0',
      description: INFO_DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: TAGS,
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'blog_<id>_<secret>',
          description:
            'An admin API key, sent as `Authorization: Bearer <key>`.',
        },
      },
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The API's OpenAPI 3.1 document, built from the route table once. */
export function openApiDocument(): OpenApiDocument {
  cached ??= build();

  return cached;
}

/** Every operation of the document as "METHOD /path". */
export function documentPaths(): string[] {
  return Object.entries(openApiDocument().paths).flatMap(([path, item]) =>
    Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path}`)
  );
}
