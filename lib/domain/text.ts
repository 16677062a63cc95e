/** How names and titles compare (uniqueness) and split into words (search). */

/** Same text for uniqueness purposes: Unicode-normalised, trimmed, single-spaced, case-folded. */
export const comparableText = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** A record's words are indexed up to this many, which bounds the items one transaction writes. */
export const MAX_INDEXED_WORDS = 20;

/**
 * A word counts for search up to this many UTF-8 bytes: the most that fits in
 * DynamoDB's 1,024-byte index sort key next to `#` and a 26-character id.
 * Normalisation can make a word of a few characters thousands of bytes long.
 */
export const MAX_WORD_BYTES = 1024 - 27;

/** The longest prefix of `word` of at most `maxBytes` UTF-8 bytes, cut between code points. */
const truncateUtf8 = (word: string, maxBytes: number): string => {
  if (Buffer.byteLength(word, 'utf8') <= maxBytes) return word;
  let bytes = 0;
  let end = 0;
  for (const char of word) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return word.slice(0, end);
};

/**
 * Search words: accents folded, case folded, split on anything that is not a
 * letter or digit, each cut to MAX_WORD_BYTES. Query words are cut the same
 * way, so a prefix match stays a prefix match.
 */
export const searchWords = (text: string): string[] => {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
  return [...new Set(words.map((word) => truncateUtf8(word, MAX_WORD_BYTES)))].slice(0, MAX_INDEXED_WORDS);
};

/**
 * Characters a name, title or gender may not hold: control characters (C0,
 * DEL, C1: NUL, tabs, line breaks, escapes), which no display shows and
 * which make two names look the same, and unpaired surrogates, which are not
 * Unicode text at all (JSON can carry them as "\ud800") and cannot be stored
 * as UTF-8. Format characters (zero-width joiners, bidi marks) are allowed:
 * scripts and emoji need them.
 */
export const FORBIDDEN_IN_TEXT = /[\p{Cc}\p{Cs}]/u;
