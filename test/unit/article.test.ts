import { ObjectId } from 'mongodb';
import { ValidationError } from '../../src/core/errors';
import { parseInput } from '../../src/core/validate';
import {
  ArticleCreate,
  ArticleUpdate,
  DEFAULT_AUTHOR,
  etagOf,
  READ_ONLY,
  readTime,
  statusOf,
  toView,
  UPDATE_READ_ONLY,
} from '../../src/models/article';

const valid = { main_title: 'A title', summary: 'A summary' };

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.errors;
    }
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('ArticleCreate', () => {
  it('fills the defaults', () => {
    const article = ArticleCreate.parse(valid);

    expect(article).toEqual({
      main_title: 'A title',
      meta_title: null,
      meta_description: null,
      summary: 'A summary',
      featured: false,
      content: '',
      category: [],
      keywords: [],
      image: null,
      author: DEFAULT_AUTHOR,
      published: false,
    });
  });

  it.each([
    ['main_title', 85],
    ['meta_title', 65],
    ['meta_description', 155],
    ['summary', 500],
  ])('limits %s to %i characters', (field, max) => {
    expect(
      ArticleCreate.safeParse({ ...valid, [field]: 'x'.repeat(max) }).success
    ).toBe(true);

    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { ...valid, [field]: 'x'.repeat(max + 1) })
    );

    expect(issues).toEqual([
      {
        path: field,
        rule: 'max_length',
        message: `must be at most ${max} characters`,
      },
    ]);
  });

  it('names a missing required field', () => {
    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { main_title: 'x' })
    );

    expect(issues).toEqual([
      { path: 'summary', rule: 'required', message: 'is required' },
    ]);
  });

  it('names a field of the wrong type', () => {
    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { ...valid, featured: 'yes' })
    );

    expect(issues).toEqual([
      { path: 'featured', rule: 'type', message: 'must be a boolean' },
    ]);
  });

  it('rejects a blank title', () => {
    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { ...valid, main_title: '   ' })
    );

    expect(issues[0]).toMatchObject({ path: 'main_title', rule: 'format' });
  });

  it('trims text after checking it', () => {
    expect(
      ArticleCreate.parse({ ...valid, main_title: '  Spaced  ' }).main_title
    ).toBe('Spaced');
  });

  it('rejects unknown fields instead of dropping them', () => {
    const issues = issuesOf(() =>
      parseInput(
        ArticleCreate,
        { ...valid, colour: 'red' },
        { readOnly: READ_ONLY }
      )
    );

    expect(issues).toEqual([
      {
        path: 'colour',
        rule: 'unknown_field',
        message: 'is not a field of this request',
      },
    ]);
  });

  it('refuses server-set fields with the reason', () => {
    const issues = issuesOf(() =>
      parseInput(
        ArticleCreate,
        { ...valid, est_read_time: 3, version: 9 },
        { readOnly: READ_ONLY }
      )
    );

    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ['est_read_time', 'read_only'],
      ['version', 'read_only'],
    ]);
  });

  it('accepts a slug of the right shape only', () => {
    expect(
      ArticleCreate.safeParse({ ...valid, slug: 'ok-slug-2' }).success
    ).toBe(true);

    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { ...valid, slug: 'Not A Slug' })
    );

    expect(issues[0]).toMatchObject({ path: 'slug', rule: 'format' });
  });

  it('accepts only http(s) image links', () => {
    const image = { url: 'javascript:alert(1)', alt: '' };

    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { ...valid, image })
    );

    expect(issues[0]).toMatchObject({ path: 'image.url', rule: 'format' });
  });

  it('keeps each category once', () => {
    expect(
      ArticleCreate.parse({ ...valid, category: ['a', 'b', 'a'] }).category
    ).toEqual(['a', 'b']);
  });

  it('names the index of a bad list item', () => {
    const issues = issuesOf(() =>
      parseInput(ArticleCreate, { ...valid, category: ['ok', ''] })
    );

    expect(issues[0]).toMatchObject({ path: 'category[1]' });
  });
});

describe('ArticleUpdate', () => {
  it('refuses the slug with the reason', () => {
    const issues = issuesOf(() =>
      parseInput(ArticleUpdate, { slug: 'new' }, { readOnly: UPDATE_READ_ONLY })
    );

    expect(issues).toEqual([
      {
        path: 'slug',
        rule: 'read_only',
        message:
          'cannot change after creation: links to the article would break',
      },
    ]);
  });

  it.each([
    'est_read_time',
    'published',
    'published_at',
    'created_at',
    'updated_at',
    'version',
    '_id',
  ])('refuses %s', (field) => {
    const issues = issuesOf(() =>
      parseInput(ArticleUpdate, { [field]: 1 }, { readOnly: UPDATE_READ_ONLY })
    );

    expect(issues[0]).toMatchObject({ path: field, rule: 'read_only' });
  });

  it('accepts a partial update without defaults', () => {
    expect(ArticleUpdate.parse({ featured: true })).toEqual({ featured: true });
  });
});

describe('readTime', () => {
  it('is 0 without content', () => {
    expect(readTime('')).toBe(0);
    expect(readTime('   \n ')).toBe(0);
  });

  it('is at least 1 with any content', () => {
    expect(readTime('one')).toBe(1);
  });

  it('counts about 230 words a minute, rounding up', () => {
    expect(readTime('word '.repeat(230))).toBe(1);
    expect(readTime('word '.repeat(231))).toBe(2);
    expect(readTime('word '.repeat(2300))).toBe(10);
  });

  it('does not count markup as words', () => {
    expect(readTime('<p><strong></strong></p>')).toBe(0);
  });
});

describe('toView', () => {
  const now = new Date('2026-01-10T00:00:00Z');
  const doc = {
    _id: new ObjectId('0123456789abcdef01234567'),
    slug: 's',
    main_title: 't',
    meta_title: null,
    meta_description: null,
    summary: 'x',
    featured: false,
    content: '',
    category: [],
    keywords: [],
    image: null,
    author: DEFAULT_AUTHOR,
    est_read_time: 0,
    published: true,
    published_at: new Date('2026-01-11T00:00:00Z'),
    created_at: now,
    updated_at: now,
    version: 4,
  };

  it('reports a future publication as scheduled', () => {
    expect(toView(doc, now).status).toBe('scheduled');
    expect(statusOf({ published: false, published_at: null }, now)).toBe(
      'draft'
    );
    expect(statusOf({ published: true, published_at: now }, now)).toBe(
      'published'
    );
  });

  it('derives the ETag from id and version', () => {
    expect(etagOf(doc)).toBe('"0123456789abcdef01234567.4"');
  });
});
