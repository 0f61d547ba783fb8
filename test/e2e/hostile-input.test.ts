import { type LocalServer, startLocalServer } from '../../local/server';
import { getDb } from '../../src/core/db';
import { MAX_BODY_BYTES } from '../../src/core/http';

let server: LocalServer;
let admin: Record<string, string>;
const DRAFT = 'hidden-draft-article';

beforeAll(async () => {
  server = await startLocalServer({ port: 0, log: () => {} });
  admin = { authorization: `Bearer ${server.adminKey}` };
  await fetch(`${server.url}/articles`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({
      main_title: 'Hidden Draft Article',
      summary: 'Never public.',
    }),
  });
  await fetch(`${server.url}/articles`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({
      main_title: 'Patch Target',
      summary: 's',
      published: true,
    }),
  });
});

afterAll(() => server.close());

const count = async () =>
  (await getDb()).collection('articles').countDocuments();

const FIELDS = [
  'main_title',
  'meta_title',
  'meta_description',
  'summary',
  'featured',
  'slug',
  'content',
  'category',
  'keywords',
  'image',
  'author',
  'published',
  'published_at',
];

const operators = ['$gt', '$ne', '$where', '$regex', '$expr', '$set'];

const bodies: [string, string][] = [
  ...FIELDS.flatMap((field) =>
    operators.map((op): [string, string] => [
      `${op} in ${field}`,
      JSON.stringify({ main_title: 'T', summary: 'S', [field]: { [op]: '' } }),
    ])
  ),
  ['a top-level $set', JSON.stringify({ $set: { published: true } })],
  [
    'a dotted key',
    JSON.stringify({ main_title: 'T', summary: 'S', 'image.url': 'x' }),
  ],
  [
    'a nested dotted key',
    JSON.stringify({ main_title: 'T', summary: 'S', image: { 'u.rl': 'x' } }),
  ],
  ['__proto__', '{"main_title":"T","summary":"S","__proto__":{"admin":true}}'],
  [
    '_id',
    JSON.stringify({
      main_title: 'T',
      summary: 'S',
      _id: '000000000000000000000000',
    }),
  ],
  ['version', JSON.stringify({ main_title: 'T', summary: 'S', version: 99 })],
  [
    'created_at',
    JSON.stringify({
      main_title: 'T',
      summary: 'S',
      created_at: '2020-01-01T00:00:00Z',
    }),
  ],
  [
    'est_read_time',
    JSON.stringify({ main_title: 'T', summary: 'S', est_read_time: 1 }),
  ],
  ['an array body', '[{"main_title":"T","summary":"S"}]'],
  ['a null body', 'null'],
  ['a number body', '42'],
  ['a string body', '"hello"'],
  ['malformed JSON', '{"main_title": "T",'],
  ['a byte-order mark', '\ufeff{"main_title":"T","summary":"S"}'],
  ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['deep object nesting', `{"image":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`],
  ['a huge number', '{"main_title":"T","summary":"S","featured":1e309}'],
  [
    'an array of operators',
    JSON.stringify({ main_title: 'T', summary: 'S', category: [{ $gt: '' }] }),
  ],
];

const patches: [string, string][] = [
  ['slug', JSON.stringify({ slug: 'moved' })],
  ['_id', JSON.stringify({ _id: 'x' })],
  ['version', JSON.stringify({ version: 1 })],
  ['published', JSON.stringify({ published: true })],
  ['an operator', JSON.stringify({ summary: { $set: 'x' } })],
  ['$unset', JSON.stringify({ $unset: { summary: 1 } })],
];

const queries = [
  '/articles?slug[$ne]=x',
  '/articles?limit[$gt]=1',
  '/articles?limit=-1',
  '/articles?limit=1e3',
  '/articles?limit=999999999999',
  '/articles?featured=yes',
  '/articles?status[$ne]=published',
  '/articles?cursor=%7B%22%24gt%22%3A1%7D',
  `/articles?cursor=${Buffer.from('[null,"zz"]').toString('base64url')}`,
  `/articles?q=${'a'.repeat(101)}`,
  '/articles?category[]=web',
  '/articles?constructor=x',
  '/articles?__proto__=x',
  '/articles?status=draft',
  '/articles/%24ne',
  '/articles/..%2F..%2Fetc',
  `/articles/${'a'.repeat(200)}`,
];

async function expectClientError(response: Response, label: string) {
  const text = await response.text();

  expect({
    label,
    status: response.status >= 400 && response.status < 500,
  }).toEqual({ label, status: true });
  expect(text).not.toContain(DRAFT);
}

describe('hostile input', () => {
  it('gets a 4xx for every hostile create body and stores nothing', async () => {
    const before = await count();

    for (const [label, body] of bodies) {
      const response = await fetch(`${server.url}/articles`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body,
      });
      await expectClientError(response, label);
    }

    expect(await count()).toBe(before);
  });

  it('gets a 4xx for every hostile patch and changes nothing', async () => {
    const before = await (await getDb())
      .collection('articles')
      .findOne({ slug: 'patch-target' });

    for (const [label, body] of patches) {
      const response = await fetch(`${server.url}/articles/patch-target`, {
        method: 'PATCH',
        headers: { ...admin, 'content-type': 'application/json' },
        body,
      });
      await expectClientError(response, label);
    }

    expect(
      await (await getDb())
        .collection('articles')
        .findOne({ slug: 'patch-target' })
    ).toEqual(before);
  });

  it('gets a 4xx for hostile query strings and paths, leaking no draft', async () => {
    for (const path of queries) {
      await expectClientError(await fetch(`${server.url}${path}`), path);
    }
  });

  it('matches a pattern-looking text query literally', async () => {
    const response = await fetch(
      `${server.url}/articles?q=${encodeURIComponent('(a+)+$')}`
    );
    const body = (await response.json()) as { data: unknown[] };

    expect(response.status).toBe(200);
    expect(body.data).toEqual([]);
  });

  it('answers 413 to an oversized body and 415 to a non-JSON one', async () => {
    const big = await fetch(`${server.url}/articles`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        main_title: 'T',
        summary: 'S',
        content: 'x'.repeat(MAX_BODY_BYTES),
      }),
    });
    const text = await fetch(`${server.url}/articles`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'text/plain' },
      body: 'main_title=T',
    });

    expect(big.status).toBe(413);
    expect(text.status).toBe(415);
  });

  it('never lists or shows the draft to a reader', async () => {
    const list = await (await fetch(`${server.url}/articles?limit=100`)).text();
    const one = await fetch(`${server.url}/articles/${DRAFT}`);

    expect(list).not.toContain(DRAFT);
    expect(one.status).toBe(404);
  });
});
