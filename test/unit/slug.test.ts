import { isSlug, SLUG_MAX, slugify, withSuffix } from '../../src/models/slug';

describe('slugify', () => {
  it('joins lowercase words with hyphens', () => {
    expect(slugify('Hello, World: A Tale!')).toBe('hello-world-a-tale');
  });

  it('folds accents and special letters to ASCII', () => {
    expect(slugify('Crème Brûlée für Ærøskøbing, straße')).toBe(
      'creme-brulee-fur-aeroskobing-strasse'
    );
  });

  it('cuts long titles at a word boundary within the limit', () => {
    const title = 'word '.repeat(40);

    const slug = slugify(title);

    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
    expect(slug.endsWith('-')).toBe(false);
    expect(slug).toMatch(/^(word-)+word$/);
  });

  it('falls back to "article" when no letter survives', () => {
    expect(slugify('日本語 !!!')).toBe('article');
  });

  it('always produces a valid slug', () => {
    for (const title of [
      '  A  ',
      'x'.repeat(200),
      'Ünïcødé—dash',
      '9 ½ lives',
    ]) {
      expect(isSlug(slugify(title))).toBe(true);
    }
  });
});

describe('withSuffix', () => {
  it('appends the number', () => {
    expect(withSuffix('hello-world', 3)).toBe('hello-world-3');
  });

  it('shortens the base so the whole fits the limit', () => {
    const base = slugify('abcdefghij '.repeat(20));

    const slug = withSuffix(base, 12);

    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
    expect(slug.endsWith('-12')).toBe(true);
    expect(isSlug(slug)).toBe(true);
  });
});
