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
    throw new BadRequestError('If-Match must be the ETag of the record, such as "3" (with the quotes).', {
      details: [{ field: 'If-Match', message: 'is not an entity tag this API issued' }],
    });
  }
  return Number(match[1]);
};

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header: 1–255 visible ASCII characters, or absent. */
export const idempotencyKey = (headers: Record<string, string | undefined>): string | undefined => {
  const header = headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new BadRequestError('Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.', {
      details: [{ field: 'Idempotency-Key', message: 'is not a valid key' }],
    });
  }
  return header;
};
