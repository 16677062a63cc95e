/** How names and titles compare (uniqueness) and split into words (search). */

/** Same text for uniqueness purposes: Unicode-normalised, trimmed, single-spaced, case-folded. */
export const comparableText = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** A record's words are indexed up to this many, which bounds the items one transaction writes. */
export const MAX_INDEXED_WORDS = 20;

/** Search words: accents folded, case folded, split on anything that is not a letter or digit. */
export const searchWords = (text: string): string[] => {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  return [...new Set(folded.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== ''))].slice(0, MAX_INDEXED_WORDS);
};
