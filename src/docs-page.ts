import { createHash } from 'node:crypto';
import {
  type HttpVerb,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiMediaType,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiRequestBody,
  type OpenApiResponse,
  PROBLEM_CODES,
} from './openapi';

const VERBS: readonly HttpVerb[] = ['get', 'post', 'patch', 'delete'];

const SCHEMA_REF = '#/components/schemas/';

const STYLE = `
:root {
  color-scheme: light dark;
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0;
  --soft: #f6f8fa; --link: #0550ae;
  --get: #0550ae; --post: #116329; --patch: #7d4e00; --delete: #a40e26;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d;
    --soft: #151b23; --link: #71b7ff;
    --get: #1f6feb; --post: #238636; --patch: #9e6a03; --delete: #da3633;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto,
    "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
a { color: var(--link); }
h1 { font-size: 2rem; margin: 0 0 .25rem; }
h2 {
  font-size: 1.5rem; margin: 3rem 0 1rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--line);
}
h3 { font-size: 1.15rem; margin: 0 0 .5rem; line-height: 1.4; }
h4 {
  font-size: .8rem; margin: 1.25rem 0 .4rem; text-transform: uppercase;
  letter-spacing: .05em; color: var(--muted);
}
code, pre {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
    "Liberation Mono", monospace;
  font-size: .875em;
}
p code, td code, li code {
  background: var(--soft); padding: .1em .3em; border-radius: 4px;
}
pre {
  background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  padding: .75rem 1rem; overflow-x: auto; line-height: 1.45;
}
table { width: 100%; border-collapse: collapse; margin: .25rem 0 .75rem; }
th, td {
  text-align: left; vertical-align: top; padding: .4rem .6rem;
  border-bottom: 1px solid var(--line);
}
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td:first-child { white-space: nowrap; }
.version, .muted { color: var(--muted); }
.version { font-size: 1rem; font-weight: 400; }
.toc ul, #authentication ul { list-style: none; padding: 0; margin: 0 0 1rem; }
.toc li, #authentication li { margin: .2rem 0; }
.toc a, #authentication li a { text-decoration: none; color: inherit; }
.toc a:hover .summary, .toc a:focus .summary,
#authentication li a:hover .summary, #authentication li a:focus .summary {
  text-decoration: underline;
}
.operation {
  border: 1px solid var(--line); border-radius: 8px;
  padding: 1.25rem 1.25rem .5rem; margin: 1.25rem 0;
}
.method {
  display: inline-block; min-width: 4.2rem; padding: .1rem .45rem;
  border-radius: 4px; color: #ffffff; text-align: center;
  font: 700 .75rem/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas,
    monospace;
  vertical-align: .1em;
}
.method-get { background: var(--get); }
.method-post { background: var(--post); }
.method-patch { background: var(--patch); }
.method-delete { background: var(--delete); }
.path { font-weight: 600; word-break: break-all; }
.summary { font-weight: 400; }
.auth {
  display: inline-block; font-size: .8rem; padding: .05rem .5rem;
  border: 1px solid var(--line); border-radius: 999px; color: var(--muted);
}
.status { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.status-ok { color: var(--post); }
.status-client { color: var(--patch); }
.status-server { color: var(--delete); }
.required { color: var(--delete); font-size: .8rem; }
@media (max-width: 44rem) {
  .page { padding: 1.25rem .75rem 3rem; }
  .operation { padding: 1rem .75rem .25rem; }
  /* Wide tables scroll sideways; the prose column keeps a readable width. */
  table { display: block; overflow-x: auto; }
  td:last-child { min-width: 16rem; }
}
`;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const PROBLEM_NAMES = new Set(PROBLEM_CODES.map((p) => p.code));

/** Escapes text for use in HTML content and quoted attribute values. */
function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

// Descriptions mark code with backticks; the text is escaped before the
// marks become elements, so no markup from the document gets through.
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, (_, inner: string) =>
    PROBLEM_NAMES.has(inner)
      ? `<a href="#problem-${inner}"><code>${inner}</code></a>`
      : `<code>${inner}</code>`
  );
}

const lines = (...parts: string[]) => parts.filter(Boolean).join('\n');

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

const anchor = (id: string, html: string) =>
  `<a href="#${escapeHtml(id)}">${html}</a>`;

const muted = (html: string) => `<span class="muted">${html}</span>`;

const list = (items: string[]) =>
  lines('<ul>', ...items.map((item) => `<li>${item}</li>`), '</ul>');

function paragraphs(text: string | undefined): string {
  return (text ?? '')
    .split(/\n\s*\n/)
    .filter((part) => part.trim())
    .map((part) => `<p>${prose(part.trim())}</p>`)
    .join('\n');
}

function table(heads: string[], rows: string[][], ids?: string[]): string {
  const head = heads.map((h) => `<th scope="col">${h}</th>`).join('');
  const body = rows
    .map((cells, i) => {
      const id = ids?.[i] ? ` id="${escapeHtml(ids[i])}"` : '';
      return `<tr${id}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');

  return lines(
    '<table>',
    `<thead><tr>${head}</tr></thead>`,
    '<tbody>',
    body,
    '</tbody>',
    '</table>'
  );
}

const asSchema = (schema: unknown): JsonSchema =>
  typeof schema === 'object' && schema !== null ? (schema as JsonSchema) : {};

function refName(schema: JsonSchema): string | undefined {
  return schema.$ref?.startsWith(SCHEMA_REF)
    ? schema.$ref.slice(SCHEMA_REF.length)
    : undefined;
}

function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const name = refName(schema);

  return name ? (doc.components?.schemas?.[name] ?? {}) : schema;
}

function schemaLink(name: string): string {
  return anchor(`schema-${name}`, code(name));
}

/** The branches of a union other than null, or the schema itself. */
function branches(schema: JsonSchema): JsonSchema[] {
  const union = schema.anyOf ?? schema.oneOf;

  return union ? union.filter((s) => s.type !== 'null') : [schema];
}

function typeOf(schema: JsonSchema): string {
  const name = refName(schema);

  if (name) {
    return schemaLink(name);
  }

  const union = schema.anyOf ?? schema.oneOf;

  if (union) {
    return union.map(typeOf).join(' or ');
  }

  const types = Array.isArray(schema.type)
    ? schema.type
    : schema.type
      ? [schema.type]
      : [];

  if (types.length === 0) {
    return schema.enum ? 'enum' : 'any';
  }

  return types
    .map((type) => {
      if (type === 'array') {
        const items = Array.isArray(schema.items) ? {} : asSchema(schema.items);
        return `array of ${typeOf(items)}`;
      }

      return type === 'string' && schema.format
        ? `string (${escapeHtml(schema.format)})`
        : escapeHtml(type);
    })
    .join(' or ');
}

const literal = (value: unknown) =>
  `<code>${escapeHtml(JSON.stringify(value))}</code>`;

const count = (n: number) => n.toLocaleString('en-US');

function range(
  low: number | undefined,
  high: number | undefined,
  unit: string
): string | undefined {
  if (low !== undefined && high !== undefined) {
    return low === high
      ? `exactly ${count(low)}${unit}`
      : `${count(low)} to ${count(high)}${unit}`;
  }

  if (high !== undefined) {
    return `at most ${count(high)}${unit}`;
  }

  return low === undefined ? undefined : `at least ${count(low)}${unit}`;
}

// Patterns that only say "has a visible character" read better in words.
const PATTERN_WORDS: Readonly<Record<string, string>> = { '\\S': 'not blank' };

function rulesOf(schema: JsonSchema): string[] {
  const rules: string[] = [];

  for (const branch of branches(schema)) {
    if (branch.enum) {
      rules.push(`one of ${branch.enum.map(literal).join(', ')}`);
    }

    if (branch.const !== undefined) {
      rules.push(`always ${literal(branch.const)}`);
    }

    const items = [
      range(branch.minLength, branch.maxLength, ' characters'),
      range(
        typeof branch.minimum === 'number' ? branch.minimum : undefined,
        typeof branch.maximum === 'number' ? branch.maximum : undefined,
        ''
      ),
      range(branch.minItems, branch.maxItems, ' items'),
    ];

    rules.push(...items.filter((r): r is string => r !== undefined));

    // A format names the rule better than the long pattern that checks it.
    if (branch.pattern && !branch.format) {
      rules.push(
        PATTERN_WORDS[branch.pattern] ??
          `pattern <code>${escapeHtml(branch.pattern)}</code>`
      );
    }

    const inner = asSchema(branch.items);

    if (branch.type === 'array' && !inner.$ref) {
      const each = rulesOf(inner);

      if (each.length > 0) {
        rules.push(`each: ${each.join(', ')}`);
      }
    }
  }

  if (schema.default !== undefined) {
    rules.push(`default ${literal(schema.default)}`);
  }

  return rules;
}

interface Field {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** Flattens an object schema into dotted field names, nested ones included. */
function fieldsOf(schema: JsonSchema, prefix = ''): Field[] {
  const required = new Set(schema.required ?? []);

  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) => {
    const field = asSchema(value);
    const name = `${prefix}${key}`;
    const nested = branches(field).flatMap((branch) => {
      if (branch.type === 'object' && branch.properties) {
        return fieldsOf(branch, `${name}.`);
      }

      const items = asSchema(branch.items);

      return branch.type === 'array' && items.properties
        ? fieldsOf(items, `${name}[].`)
        : [];
    });

    return [{ name, schema: field, required: required.has(key) }, ...nested];
  });
}

function describeCell(schema: JsonSchema): string {
  const rules = rulesOf(schema);
  const parts = [
    schema.description ? prose(schema.description) : '',
    rules.length > 0 ? `<span class="muted">${rules.join('; ')}</span>` : '',
  ];

  return parts.filter(Boolean).join('<br>');
}

const requiredMark = (required: boolean) =>
  required ? '<span class="required">required</span>' : '';

function fieldTable(schema: JsonSchema): string {
  const fields = fieldsOf(schema);

  if (fields.length === 0) {
    return '';
  }

  return table(
    ['Field', 'Type', 'Required', 'Rules'],
    fields.map((f) => [
      `<code>${escapeHtml(f.name)}</code>`,
      typeOf(f.schema),
      requiredMark(f.required),
      describeCell(f.schema),
    ])
  );
}

function parametersSection(parameters: OpenApiParameter[]): string {
  if (parameters.length === 0) {
    return '';
  }

  const heads = ['Name', 'In', 'Type', 'Required', 'Description'];
  const rows = parameters.map((p) => [
    code(p.name),
    escapeHtml(p.in),
    typeOf(p.schema),
    requiredMark(p.required),
    [p.description ? prose(p.description) : '', describeCell(p.schema)]
      .filter(Boolean)
      .join('<br>'),
  ]);

  return lines('<h4>Parameters</h4>', table(heads, rows));
}

function examplesOf(media: OpenApiMediaType): string {
  return Object.values(media.examples ?? {})
    .map((example) =>
      lines(
        `<p class="muted">Example: ${prose(example.summary)}</p>`,
        `<pre>${code(JSON.stringify(example.value, null, 2))}</pre>`
      )
    )
    .join('\n');
}

function requestBodySection(
  doc: OpenApiDocument,
  body: OpenApiRequestBody | undefined
): string {
  if (!body) {
    return '';
  }

  const parts = Object.entries(body.content).map(([type, media]) => {
    const name = refName(media.schema);
    const schema = resolve(doc, media.schema);
    const intro = [
      `${body.required ? 'Required' : 'Optional'}, as ${code(type)}`,
      name ? ` (schema ${schemaLink(name)}).` : '.',
      schema.additionalProperties === false
        ? ' Fields not listed here are refused.'
        : '',
    ];

    return lines(
      `<p>${intro.join('')}</p>`,
      paragraphs(body.description),
      fieldTable(schema),
      examplesOf(media)
    );
  });

  return lines('<h4>Request body</h4>', ...parts);
}

function statusClass(status: string): string {
  if (status.startsWith('5')) {
    return 'status-server';
  }

  return status.startsWith('4') ? 'status-client' : 'status-ok';
}

function responseCell(response: OpenApiResponse): string {
  const content = Object.entries(response.content ?? {}).map(
    ([type, media]) => {
      const name = refName(media.schema);
      return name ? `${code(type)}: ${schemaLink(name)}` : code(type);
    }
  );
  const headers = Object.keys(response.headers ?? {}).map(code);

  return [
    prose(response.description),
    content.length > 0 ? `${muted('Body')} ${content.join(', ')}` : '',
    headers.length > 0 ? `${muted('Headers')} ${headers.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('<br>');
}

function responsesSection(responses: Record<string, OpenApiResponse>): string {
  const rows = Object.entries(responses).map(([status, response]) => [
    `<span class="status ${statusClass(status)}">${escapeHtml(status)}</span>`,
    responseCell(response),
  ]);

  return lines('<h4>Responses</h4>', table(['Status', 'Meaning'], rows));
}

function authLabel(operation: OpenApiOperation): string {
  const security = operation.security;

  if (security.length === 0) {
    return 'No key needed';
  }

  return security.some((req) => Object.keys(req).length === 0)
    ? 'Admin key optional'
    : 'Admin key required';
}

interface Entry {
  path: string;
  verb: HttpVerb;
  operation: OpenApiOperation;
}

function entriesOf(doc: OpenApiDocument): Entry[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    VERBS.flatMap((verb) => {
      const operation = item[verb];
      return operation ? [{ path, verb, operation }] : [];
    })
  );
}

function heading(entry: Entry): string {
  const verb = entry.verb;

  return [
    `<span class="method method-${verb}">${verb.toUpperCase()}</span>`,
    `<code class="path">${escapeHtml(entry.path)}</code>`,
    `<span class="summary">${prose(entry.operation.summary)}</span>`,
  ].join(' ');
}

function operationSection(doc: OpenApiDocument, entry: Entry): string {
  const op = entry.operation;
  const label = `<span class="auth">${authLabel(op)}</span>`;

  return lines(
    `<section class="operation" id="${escapeHtml(op.operationId)}">`,
    `<h3>${heading(entry)}</h3>`,
    `<p>${label} ${muted(`operation ${code(op.operationId)}`)}</p>`,
    paragraphs(op.description),
    parametersSection(op.parameters ?? []),
    requestBodySection(doc, op.requestBody),
    responsesSection(op.responses),
    '</section>'
  );
}

const linkTo = (entry: Entry) =>
  anchor(entry.operation.operationId, heading(entry));

function groups(
  doc: OpenApiDocument,
  entries: Entry[]
): { name: string; description?: string; entries: Entry[] }[] {
  const named = (doc.tags ?? []).map((t) => t.name);
  const used = entries.flatMap((e) => e.operation.tags);
  const names = [...new Set([...named, ...used])];

  return names
    .map((name) => ({
      name,
      description: doc.tags?.find((t) => t.name === name)?.description,
      entries: entries.filter((e) => e.operation.tags.includes(name)),
    }))
    .filter((group) => group.entries.length > 0);
}

function contents(
  doc: OpenApiDocument,
  entries: Entry[],
  schemaNames: string[]
): string {
  const tagLists = groups(doc, entries).map((group) =>
    lines(`<h3>${escapeHtml(group.name)}</h3>`, list(group.entries.map(linkTo)))
  );
  const more = [
    anchor('authentication', 'Authentication'),
    anchor('problems', 'Problems'),
    schemaNames.length > 0 ? anchor('schemas', 'Schemas') : '',
  ].filter(Boolean);

  return lines(
    '<nav class="toc" aria-label="Contents">',
    '<h2>Contents</h2>',
    ...tagLists,
    '<h3>Reference</h3>',
    list(more),
    '</nav>'
  );
}

function authenticationSection(doc: OpenApiDocument, entries: Entry[]): string {
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}).map(
    ([name, scheme]) => {
      const shape = scheme.bearerFormat
        ? `, shaped ${code(scheme.bearerFormat)}`
        : '';
      const how = `HTTP ${code(scheme.scheme)}${shape}`;
      const what = prose(scheme.description);

      return `<p><strong>${escapeHtml(name)}</strong>: ${how}. ${what}</p>`;
    }
  );
  const listOf = (label: string) => {
    const items = entries.filter((e) => authLabel(e.operation) === label);

    return items.length > 0
      ? lines(`<h4>${label}</h4>`, list(items.map(linkTo)))
      : '';
  };

  return lines(
    '<section id="authentication">',
    '<h2>Authentication</h2>',
    paragraphs('Send the key in the `Authorization` header:'),
    `<pre>${code('Authorization: Bearer <key>')}</pre>`,
    ...schemes,
    paragraphs(
      [
        'A missing, malformed, unknown or revoked key on an operation that',
        'needs one is a `401` (`unauthorized`). Where the key is optional, a',
        'valid one shows drafts and scheduled articles too, and the answer is',
        'not cached.',
      ].join(' ')
    ),
    listOf('Admin key required'),
    listOf('Admin key optional'),
    '</section>'
  );
}

function problemsSection(doc: OpenApiDocument): string {
  const rows = PROBLEM_CODES.map((p) => [
    code(p.code),
    `<span class="status ${statusClass(String(p.status))}">${p.status}</span>`,
    prose(p.meaning),
  ]);
  const schema = doc.components?.schemas?.Problem
    ? ` Its schema is ${schemaLink('Problem')}.`
    : '';
  const intro = paragraphs(
    [
      'Every error is answered with `application/problem+json` (RFC 9457).',
      'Branch on `code`, which is stable; `title` and `detail` are for',
      'people, and `type` links to the row below that explains the code.',
    ].join(' ')
  ).replace(/<\/p>$/, `${schema}</p>`);

  return lines(
    '<section id="problems">',
    '<h2>Problems</h2>',
    intro,
    table(
      ['Code', 'Status', 'When'],
      rows,
      PROBLEM_CODES.map((p) => `problem-${p.code}`)
    ),
    '</section>'
  );
}

function schemasSection(doc: OpenApiDocument, names: string[]): string {
  if (names.length === 0) {
    return '';
  }

  const sections = names.map((name) => {
    const schema = doc.components?.schemas?.[name] ?? {};

    return lines(
      `<section id="schema-${escapeHtml(name)}">`,
      `<h3>${code(name)}</h3>`,
      paragraphs(schema.description),
      fieldTable(schema) || `<p>${typeOf(schema)}</p>`,
      '</section>'
    );
  });

  return lines(
    '<section id="schemas">',
    '<h2>Schemas</h2>',
    ...sections,
    '</section>'
  );
}

/**
 * Renders the OpenAPI document as one self-contained HTML page: no script,
 * no external asset, and a single inline style element.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const entries = entriesOf(doc);
  const schemaNames = Object.keys(doc.components?.schemas ?? {});
  const title = escapeHtml(doc.info.title);
  const version = escapeHtml(doc.info.version);
  const link = `<a href="openapi.json">${code('openapi.json')}</a>`;
  const machine =
    '/openapi.json' in doc.paths
      ? `<p>The same as OpenAPI 3.1: ${link}.</p>`
      : '';
  const operations = groups(doc, entries).map((group) =>
    lines(
      `<section id="tag-${escapeHtml(group.name)}">`,
      `<h2>${escapeHtml(group.name)}</h2>`,
      paragraphs(group.description),
      ...group.entries.map((entry) => operationSection(doc, entry)),
      '</section>'
    )
  );

  return lines(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    // An empty icon keeps browsers from asking the API for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<div class="page">',
    '<header>',
    `<h1>${title} <span class="version">${version}</span></h1>`,
    paragraphs(doc.info.description),
    machine,
    '</header>',
    contents(doc, entries, schemaNames),
    '<main>',
    authenticationSection(doc, entries),
    ...operations,
    problemsSection(doc),
    schemasSection(doc, schemaNames),
    '</main>',
    '</div>',
    '</body>',
    '</html>'
  ).concat('\n');
}

/**
 * The Content-Security-Policy for a page from renderDocsPage: nothing may
 * load but the page's own style elements, pinned by their hashes.
 */
export function docsContentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    ([, css]) =>
      `'sha256-${createHash('sha256')
        .update(css ?? '')
        .digest('base64')}'`
  );
  const styleSrc = hashes.length > 0 ? hashes.join(' ') : "'none'";

  return [
    "default-src 'none'",
    `style-src ${styleSrc}`,
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
