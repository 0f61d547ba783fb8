import * as z from 'zod/mini';
import {
  ArticleCreate,
  ArticleUpdate,
  ArticleView,
  PublishRequest,
  READ_ONLY,
  UPDATE_READ_ONLY,
} from './models/article';
import { ListQuery, MAX_LIMIT } from './models/article-query';
import { Slug } from './models/slug';

/** Who may call a route: anyone, or holders of an admin API key. */
export type Auth = 'public' | 'admin';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One operation of the API. The CDK stack, the local server and the OpenAPI
 * document are all generated from these entries; nothing else lists routes.
 */
export interface Route {
  operation: string;
  method: Method;
  /** API Gateway path syntax: `{name}` marks a path parameter. */
  path: string;
  /** The handler module, relative to the repository root. */
  entry: string;
  auth: Auth;
  summary: string;
  description?: string;
  tag: 'articles' | 'categories' | 'meta';
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /** Body fields the server owns, with the reason given to a client. */
  readOnly?: Readonly<Record<string, string>>;
  /** Whether an empty body is accepted (and read as `{}`). */
  bodyOptional?: boolean;
  /** The success status and what it returns. */
  success: {
    status: 200 | 201 | 204;
    schema?: z.ZodMiniType;
    contentType?: string;
    description: string;
  };
  /** Whether the response may carry `ETag`s and honour `If-None-Match`. */
  conditional?: boolean;
  /** Whether the operation honours `If-Match`. */
  ifMatch?: boolean;
  /**
   * False for routes that answer from code alone. They never open the
   * database, so they also ignore an Authorization header: checking a key
   * needs the database.
   */
  database?: false;
}

const SlugParams = z.strictObject({ slug: Slug });

/** A list item: the whole article but its content. */
export const ArticleSummary = z.omit(ArticleView, { content: true });
export type ArticleSummary = z.infer<typeof ArticleSummary>;

export const ArticleList = z.object({
  data: z.array(ArticleSummary),
  meta: z.object({
    limit: z.int().check(z.minimum(1), z.maximum(MAX_LIMIT)),
    next_cursor: z.nullable(z.string()),
    total: z.optional(z.int().check(z.nonnegative())),
  }),
});
export type ArticleList = z.infer<typeof ArticleList>;

export const CategoryList = z.object({
  data: z.array(
    z.object({ name: z.string(), count: z.int().check(z.positive()) })
  ),
});
export type CategoryList = z.infer<typeof CategoryList>;

export const routes = [
  {
    operation: 'listArticles',
    method: 'GET',
    path: '/articles',
    entry: 'functions/list-articles.ts',
    auth: 'public',
    tag: 'articles',
    summary: 'List published articles, newest first',
    description:
      'Filters combine with AND. Pages are keyed: pass `meta.next_cursor` as `cursor` to read the next page. With an admin key, drafts and scheduled articles are listed too and `status` filters them.',
    query: ListQuery,
    success: {
      status: 200,
      schema: ArticleList,
      description: 'A page of articles, without their content',
    },
    conditional: true,
  },
  {
    operation: 'createArticle',
    method: 'POST',
    path: '/articles',
    entry: 'functions/create-article.ts',
    auth: 'admin',
    tag: 'articles',
    summary: 'Create an article',
    description:
      'The slug is derived from `main_title` when absent; a derived slug that is taken gets a `-2`, `-3`, ... suffix, while a chosen slug that is taken is a 409.',
    body: ArticleCreate,
    readOnly: READ_ONLY,
    success: { status: 201, schema: ArticleView, description: 'Created' },
  },
  {
    operation: 'getArticle',
    method: 'GET',
    path: '/articles/{slug}',
    entry: 'functions/get-article.ts',
    auth: 'public',
    tag: 'articles',
    summary: 'Read one article',
    description:
      'Readers see published articles only; drafts and scheduled articles are a 404. With an admin key, every article is visible.',
    params: SlugParams,
    success: { status: 200, schema: ArticleView, description: 'The article' },
    conditional: true,
  },
  {
    operation: 'updateArticle',
    method: 'PATCH',
    path: '/articles/{slug}',
    entry: 'functions/update-article.ts',
    auth: 'admin',
    tag: 'articles',
    summary: 'Change some fields of an article',
    description:
      'Only the fields sent change. The slug and server-set fields cannot be changed. Send `If-Match` with the ETag you read to refuse lost updates.',
    params: SlugParams,
    body: ArticleUpdate,
    readOnly: UPDATE_READ_ONLY,
    success: { status: 200, schema: ArticleView, description: 'Updated' },
    ifMatch: true,
  },
  {
    operation: 'deleteArticle',
    method: 'DELETE',
    path: '/articles/{slug}',
    entry: 'functions/delete-article.ts',
    auth: 'admin',
    tag: 'articles',
    summary: 'Delete an article',
    params: SlugParams,
    success: { status: 204, description: 'Deleted' },
    ifMatch: true,
  },
  {
    operation: 'publishArticle',
    method: 'POST',
    path: '/articles/{slug}/publish',
    entry: 'functions/publish-article.ts',
    auth: 'admin',
    tag: 'articles',
    summary: 'Publish now, or schedule',
    description:
      'Without a body the article is published now. A future `published_at` schedules it: readers see it from that moment on.',
    params: SlugParams,
    body: PublishRequest,
    bodyOptional: true,
    success: { status: 200, schema: ArticleView, description: 'Published' },
    ifMatch: true,
  },
  {
    operation: 'unpublishArticle',
    method: 'POST',
    path: '/articles/{slug}/unpublish',
    entry: 'functions/unpublish-article.ts',
    auth: 'admin',
    tag: 'articles',
    summary: 'Return an article to draft',
    params: SlugParams,
    success: { status: 200, schema: ArticleView, description: 'Unpublished' },
    ifMatch: true,
  },
  {
    operation: 'listCategories',
    method: 'GET',
    path: '/categories',
    entry: 'functions/list-categories.ts',
    auth: 'public',
    tag: 'categories',
    summary: 'Categories of published articles, with counts',
    description: 'Most used first, ties by name.',
    success: {
      status: 200,
      schema: CategoryList,
      description: 'Categories and counts',
    },
    conditional: true,
  },
  {
    operation: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/get-openapi.ts',
    auth: 'public',
    tag: 'meta',
    summary: 'This API described as OpenAPI 3.1',
    success: {
      status: 200,
      contentType: 'application/json',
      description: 'The OpenAPI document',
    },
    conditional: true,
    database: false,
  },
  {
    operation: 'getDocs',
    method: 'GET',
    path: '/docs',
    entry: 'functions/get-docs.ts',
    auth: 'public',
    tag: 'meta',
    summary: 'Documentation for people',
    success: {
      status: 200,
      contentType: 'text/html',
      description: 'An HTML page',
    },
    conditional: true,
    database: false,
  },
] as const satisfies readonly Route[];

export type Routes = typeof routes;
export type OperationName = Routes[number]['operation'];
export type RouteOf<N extends OperationName> = Extract<
  Routes[number],
  { operation: N }
>;

/** The route of an operation; throws for a name the table lacks. */
export function routeOf<N extends OperationName>(name: N): RouteOf<N> {
  const route = routes.find((r) => r.operation === name);

  if (!route) {
    throw new Error(`no route for operation ${name}`);
  }

  return route as RouteOf<N>;
}

/** The route key API Gateway uses, such as "GET /articles/{slug}". */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * How long API Gateway (and the local server) keep an authorizer verdict
 * for one Authorization header. A revoked key stops working within this.
 */
export const AUTHORIZER_CACHE_SECONDS = 60;
