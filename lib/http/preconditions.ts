import { BadRequestError } from './errors';

const ENTITY_TAG = /^\s*"(\d{1,9})"\s*$/;

/**
 * The version named by `If-Match` (`"3"`), or undefined when there is no
 * condition (absent, or `*`: the record must merely exist, which every
 * write checks anyway). Weak tags never match for writes (RFC 9110 §13.1.1).
 */
export const expectedVersion = (headers: Record<string, string | undefined>): number | undefined => {
  const header = headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = ENTITY_TAG.exec(header);
  if (match?.[1] === undefined) {
    throw new BadRequestError('If-Match must be the ETag of the record, such as "3" (with the quotes).', [
      { field: 'If-Match', message: 'is not an entity tag this API issued' },
    ]);
  }
  return Number(match[1]);
};
