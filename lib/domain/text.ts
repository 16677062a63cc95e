/** How names and titles compare (uniqueness) and split into words (search). */

/**
 * Code points that no display shows (zero-width space, joiners, soft hyphen,
 * variation selectors, U+FEFF…): Unicode's Default_Ignorable_Code_Point.
 * Left out of comparison and search, so that an invisible one cannot make a
 * look-alike of a name. Removed before normalising, so that what they
 * separated composes as if they had never been there (no character
 * normalises or lower-cases into one of them).
 */
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Same text for uniqueness purposes: default-ignorable code points left out,
 * Unicode-normalised, trimmed, single-spaced, case-folded.
 */
export const comparableText = (text: string): string => legacyComparableText(text.replace(DEFAULT_IGNORABLE, ''));

/**
 * The comparison of versions before default-ignorables were left out. The
 * uniqueness claims and search words of records they wrote are keyed by it,
 * so a rename or delete of such a record finds and releases those.
 */
export const legacyComparableText = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

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
export const searchWords = (text: string): string[] => legacySearchWords(text.replace(DEFAULT_IGNORABLE, ''));

/** searchWords of versions before default-ignorables were left out (see legacyComparableText). */
export const legacySearchWords = (text: string): string[] => {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
  return [...new Set(words.map((word) => truncateUtf8(word, MAX_WORD_BYTES)))].slice(0, MAX_INDEXED_WORDS);
};

/**
 * Characters a name, title or gender may not hold: control characters (C0,
 * DEL, C1: NUL, tabs, line breaks, escapes), which no display shows and
 * which make two names look the same, and unpaired surrogates, which are not
 * Unicode text at all (JSON can carry them as "\ud800") and cannot be stored
 * as UTF-8. Other format characters (zero-width joiners, bidi marks) are
 * allowed: scripts and emoji need them.
 */
export const FORBIDDEN_IN_TEXT = /[\p{Cc}\p{Cs}]/u;

/**
 * Bidi embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069),
 * also refused: they reorder what follows them, so a name can display as
 * another one (or spoof the text around it wherever it is shown). The
 * implicit marks scripts need (U+200E, U+200F, U+061C) stay allowed.
 */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
