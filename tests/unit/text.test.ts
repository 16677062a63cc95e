import { comparableText, searchWords, MAX_INDEXED_WORDS } from '../../lib/domain/text';

describe('comparableText (uniqueness)', () => {
  it('ignores case, surrounding space and runs of inner space', () => {
    expect(comparableText('  Tom   HANKS ')).toBe(comparableText('tom hanks'));
  });
  it('treats Unicode compatibility forms as the same text', () => {
    expect(comparableText('Ｔｏｍ')).toBe(comparableText('tom'));
  });
  it('keeps different names apart', () => {
    expect(comparableText('Tom Hanks')).not.toBe(comparableText('Tom Hank'));
  });
});

describe('searchWords', () => {
  it('splits on anything but letters and digits, folding case and accents', () => {
    expect(searchWords("Penélope O'Brien-Cruz 2")).toEqual(['penelope', 'o', 'brien', 'cruz', '2']);
  });
  it('keeps each word once', () => {
    expect(searchWords('New York, New York')).toEqual(['new', 'york']);
  });
  it(`indexes at most ${MAX_INDEXED_WORDS} words`, () => {
    expect(searchWords(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_INDEXED_WORDS);
  });
});
