/**
 * The text rules of docs/endpoints.md#validation-and-limits and
 * docs/endpoints.md#lists-search-and-filters: the uniqueness key, how search words are cut, and which
 * characters a name may not hold.
 */
import { BIDI_CONTROLS, comparableText, FORBIDDEN_IN_TEXT, MAX_WORD_BYTES, searchWords } from '../../lib/domain/text';

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('comparableText: the key two names must not share', () => {
  it('is the name case-folded, trimmed and single-spaced, as the 409 message quotes it', () => {
    // docs/endpoints.md#validation-and-limits: `An actor named "cate blanchett" already exists.`
    expect(comparableText('  Cate \u00a0  BLANCHETT\t')).toBe('cate blanchett');
  });

  it('keeps words apart that only a space separates', () => {
    expect(comparableText('Tom Hanks')).not.toBe(comparableText('TomHanks'));
  });

  it('does not fold accents (docs/endpoints.md#validation-and-limits)', () => {
    expect(comparableText('Penélope')).not.toBe(comparableText('Penelope'));
  });

  it.each([
    ['zero-width space', 'Tom\u200b Cruise'],
    ['zero-width joiner and non-joiner', 'Tom \u200dCru\u200cise'],
    ['word joiner', '\u2060Tom Cruise'],
    ['soft hyphen', 'Tom Cru\u00adise'],
    ['variation selector', 'Tom\ufe0f Cruise'],
    ['byte order mark', '\ufeffTom Cruise\ufeff'],
    ['Hangul filler', 'Tom Cruise\u3164'],
  ])('leaves out default-ignorable code points (docs/endpoints.md#validation-and-limits): %s', (_what, lookAlike) => {
    expect(comparableText(lookAlike)).toBe(comparableText('Tom Cruise'));
  });

  it('leaves them out before normalising, so what they separated still composes', () => {
    expect(comparableText('Pene\u200b\u0301lope')).toBe(comparableText('Penélope'));
  });
});

describe('searchWords: words cut to what fits in an index key', () => {
  it('leaves out the empty words around leading and trailing separators', () => {
    expect(searchWords(' -- Tom Hanks! ')).toEqual(['tom', 'hanks']);
    expect(searchWords('!!!')).toEqual([]);
  });

  it('cuts a word at 997 bytes of UTF-8 (docs/endpoints.md#validation-and-limits)', () => {
    expect(MAX_WORD_BYTES).toBe(997);
    const [word] = searchWords('a'.repeat(2000));
    expect(word).toBe('a'.repeat(997));
  });

  it('keeps a word of exactly 997 bytes whole', () => {
    expect(searchWords('b'.repeat(997))).toEqual(['b'.repeat(997)]);
  });

  it('cuts between characters, never inside one', () => {
    // 中 is 3 bytes: 332 of them (996 bytes) fit, a 333rd (999) would not.
    expect(searchWords('中'.repeat(400))).toEqual(['中'.repeat(332)]);
    // 𠀀 (U+20000) is 4 bytes and two UTF-16 units: 249 fit (996 bytes), and no half of one is kept.
    const [astral] = searchWords('𠀀'.repeat(300));
    expect(astral).toBe('𠀀'.repeat(249));
    expect(utf8Bytes(astral!)).toBe(996);
  });

  it('cuts query words the same way, so a long prefix still matches the indexed word', () => {
    const long = 'x'.repeat(1500);
    expect(searchWords(long)[0]).toBe(searchWords(`${long}yz`)[0]);
  });
});

describe('searchWords and default-ignorable code points', () => {
  it('leaves them out, so an invisible one neither splits a word nor hides it', () => {
    expect(searchWords('Schwarz\u00adenegger Tom\u200bCruise')).toEqual(['schwarzenegger', 'tomcruise']);
  });
});

describe('BIDI_CONTROLS: embeddings, overrides and isolates', () => {
  it.each(['202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'])('finds U+%s', (hex) => {
    expect(BIDI_CONTROLS.test(`Tom ${String.fromCodePoint(parseInt(hex, 16))}Cruise`)).toBe(true);
  });

  it.each([
    ['left-to-right and right-to-left marks', '\u200fשלום\u200e'],
    ['the Arabic letter mark', 'a\u061cb'],
    ['a zero-width joiner', 'a\u200db'],
  ])('allows %s', (_what, text) => {
    expect(BIDI_CONTROLS.test(text)).toBe(false);
  });
});

describe('FORBIDDEN_IN_TEXT: control characters and unpaired surrogates', () => {
  it.each([
    ['NUL', '\u0000'],
    ['tab', 'a\tb'],
    ['line feed', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['escape', '\u001b'],
    ['unit separator', '\u001f'],
    ['DEL', '\u007f'],
    ['C1 start', '\u0080'],
    ['C1 end', '\u009f'],
    ['a lone high surrogate', 'a\ud800'],
    ['a lone low surrogate', '\udc00b'],
  ])('finds %s', (_what, text) => {
    expect(FORBIDDEN_IN_TEXT.test(text)).toBe(true);
  });

  it.each([
    ['letters and spaces', 'Tom Hanks'],
    ['accents, precomposed and combining', 'Penélope Cruz Pene\u0301lope'],
    ['a zero-width joiner and non-joiner', 'a\u200db\u200cc'],
    ['bidi marks', '\u200fשלום\u200e'],
    ['an emoji sequence (paired surrogates)', '👩‍👩‍👧'],
    ['a character NFKC expands', '㌀'],
    ['a no-break space', 'a\u00a0b'],
  ])('allows %s', (_what, text) => {
    expect(FORBIDDEN_IN_TEXT.test(text)).toBe(false);
  });
});
