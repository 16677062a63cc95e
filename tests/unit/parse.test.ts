/**
 * From raw request parts to typed input, or to the errors of docs/endpoints.md#errors: the
 * status, the message docs/endpoints.md quotes, and one `details` entry per field.
 */
import * as z from 'zod/mini';
import { parseJsonBody, parsePathParams, parseQuery, type RawBody } from '../../lib/http/parse';
import { ACTOR_READ_ONLY, actorCreateBody, actorListQuery, actorUpdateBody, idParams, movieCreateBody, MOVIE_READ_ONLY } from '../../lib/validation/schemas';

interface Rejection {
  status: number;
  message: string;
  details: { field: string; message: string }[] | undefined;
}

const rejection = (parse: () => unknown): Rejection => {
  try {
    parse();
  } catch (error) {
    const { statusCode, message, details } = error as { statusCode: number; message: string; details?: Rejection['details'] };
    return { status: statusCode, message, details };
  }
  throw new Error('the input was accepted');
};

const JSON_TYPE = 'application/json';
/** A body as API Gateway hands it over; a contentType given as undefined means no Content-Type header. */
const raw = (body: unknown, ...rest: [contentType?: string | undefined, isBase64Encoded?: boolean]): RawBody => ({
  body,
  contentType: rest.length > 0 ? rest[0] : JSON_TYPE,
  isBase64Encoded: rest[1] ?? false,
});
const anyObject = z.record(z.string(), z.unknown());
const actor = { name: 'Tom Hanks', gender: 'male', birth_date: '1956-07-09' };

const EMPTY = { status: 400, message: 'The request body is empty; send a JSON object.', details: undefined };
const NOT_JSON_TYPE = { status: 415, message: 'The request body must be JSON, sent with "Content-Type: application/json".', details: undefined };

describe('parseJsonBody', () => {
  it('returns what the schema makes of a JSON object', () => {
    expect(parseJsonBody(actorCreateBody, raw(JSON.stringify({ ...actor, name: ' Tom Hanks ' })), ACTOR_READ_ONLY)).toEqual(actor);
  });

  it('decodes a base64-encoded body', () => {
    const body = Buffer.from(JSON.stringify(actor)).toString('base64');
    expect(parseJsonBody(actorCreateBody, raw(body, JSON_TYPE, true), ACTOR_READ_ONLY)).toEqual(actor);
  });

  it('takes a body that arrives already parsed', () => {
    expect(parseJsonBody(actorCreateBody, raw(actor), ACTOR_READ_ONLY)).toEqual(actor);
    expect(rejection(() => parseJsonBody(anyObject, raw(false), [])).status).toBe(422);
  });

  describe('size: at most 64 KiB (413)', () => {
    const ofBytes = (bytes: number, filler = 'x'): string => {
      const frame = JSON.stringify({ a: '' });
      return JSON.stringify({ a: filler.repeat((bytes - frame.length) / Buffer.byteLength(filler)) });
    };

    it('takes a body of exactly 64 KiB', () => {
      expect(Object.keys(parseJsonBody(anyObject, raw(ofBytes(64 * 1024)), []))).toEqual(['a']);
    });

    it('refuses one byte more, whatever the content type', () => {
      for (const contentType of [JSON_TYPE, 'text/plain', undefined]) {
        expect(rejection(() => parseJsonBody(anyObject, raw(ofBytes(64 * 1024 + 1), contentType), []))).toEqual({
          status: 413,
          message: 'The request body is larger than 64 KiB.',
          details: undefined,
        });
      }
    });

    it('counts bytes, not characters', () => {
      // 2-byte characters: under 64 Ki characters, over 64 KiB.
      expect(rejection(() => parseJsonBody(anyObject, raw(ofBytes(64 * 1024 + 2, 'é')), [])).status).toBe(413);
    });
  });

  describe('presence: a missing or blank body is a 400, whatever the headers', () => {
    it.each([undefined, null, '', '  \n\t '])('refuses %j', (body) => {
      for (const contentType of [JSON_TYPE, 'text/plain', undefined]) {
        expect(rejection(() => parseJsonBody(anyObject, raw(body, contentType), []))).toEqual(EMPTY);
      }
    });

    it('refuses a base64 body that decodes to nothing', () => {
      expect(rejection(() => parseJsonBody(anyObject, raw(Buffer.from('  ').toString('base64'), JSON_TYPE, true), []))).toEqual(EMPTY);
    });
  });

  describe('media type: application/json or application/*+json, optionally with parameters (415)', () => {
    it.each([JSON_TYPE, 'application/json; charset=utf-8', 'Application/JSON', 'application/json ;charset=UTF-8', 'application/merge-patch+json', 'application/vnd.api+json'])(
      'takes %j',
      (contentType) => {
        expect(parseJsonBody(anyObject, raw('{"a":1}', contentType), [])).toEqual({ a: 1 });
      },
    );

    it.each([undefined, 'text/plain', 'text/json', 'application/jsonx', 'application/json-seq', 'xapplication/json', 'application/xml', 'application/+json', 'multipart/form-data'])(
      'refuses %j',
      (contentType) => {
        expect(rejection(() => parseJsonBody(anyObject, raw('{"a":1}', contentType), []))).toEqual(NOT_JSON_TYPE);
      },
    );
  });

  it.each(['{', '{"a":1,}', "{'a':1}", 'nope'])('refuses %j as malformed JSON (400)', (body) => {
    const { status, message } = rejection(() => parseJsonBody(anyObject, raw(body), []));
    expect(status).toBe(400);
    expect(message).toMatch(/not valid JSON/);
  });

  it.each(['[]', '[{"a":1}]', 'null', '42', '"text"', 'true'])('refuses %s, which is not an object (422)', (body) => {
    const { status, message } = rejection(() => parseJsonBody(anyObject, raw(body), []));
    expect(status).toBe(422);
    expect(message).toMatch(/must be a JSON object/);
  });

  it('names each unknown field (docs/endpoints.md#validation-and-limits: "nickname": is not a known field)', () => {
    expect(rejection(() => parseJsonBody(actorCreateBody, raw(JSON.stringify({ ...actor, nickname: 'Tom', shoe: 9 })), ACTOR_READ_ONLY))).toEqual({
      status: 422,
      message: 'The request body has invalid fields.',
      details: [
        { field: 'nickname', message: 'is not a known field' },
        { field: 'shoe', message: 'is not a known field' },
      ],
    });
  });

  it('names each read-only field, before anything else that is wrong', () => {
    const body = JSON.stringify({ ...actor, birth_date: '2023-02-29', age: 67, id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    const { status, message, details } = rejection(() => parseJsonBody(actorCreateBody, raw(body), ACTOR_READ_ONLY));
    expect(status).toBe(422);
    expect(message).toBe('The request body sets fields that only the server can set.');
    expect(details!.slice(0, 2)).toEqual([
      { field: 'id', message: 'is read-only' },
      { field: 'age', message: 'is read-only' },
    ]);
    expect(details!.slice(2).map((detail) => detail.field)).toEqual(['birth_date']);
  });

  it('refuses a read-only field even when everything else is right', () => {
    expect(rejection(() => parseJsonBody(actorUpdateBody, raw('{"name":"Tom","version":3}'), ACTOR_READ_ONLY))).toEqual({
      status: 422,
      message: 'The request body sets fields that only the server can set.',
      details: [{ field: 'version', message: 'is read-only' }],
    });
  });

  it.each([
    ['actor', ACTOR_READ_ONLY, ['id', 'age', 'movie_ids', 'version', 'created_at', 'updated_at']],
    ['movie', MOVIE_READ_ONLY, ['id', 'version', 'created_at', 'updated_at']],
  ] as const)('knows the read-only fields of an %s (docs/endpoints.md#validation-and-limits)', (_kind, readOnly, fields) => {
    expect([...readOnly].sort()).toEqual([...fields].sort());
  });

  it('treats a field the client may not write as unknown, not read-only, when the kind does not have it', () => {
    const body = JSON.stringify({ title: 'Big', release_date: '1988-06-03', age: 3 });
    const { details } = rejection(() => parseJsonBody(movieCreateBody, raw(body), MOVIE_READ_ONLY));
    expect(details).toEqual([{ field: 'age', message: 'is not a known field' }]);
  });

  it('names a cast entry by its position', () => {
    const body = JSON.stringify({ title: 'Big', release_date: '1988-06-03', actor_ids: ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'tom'] });
    const { details } = rejection(() => parseJsonBody(movieCreateBody, raw(body), MOVIE_READ_ONLY));
    expect(details!.map((detail) => detail.field)).toEqual(['actor_ids.1']);
  });

  it('names something for a rule about the whole body, such as an empty PATCH', () => {
    const { status, details } = rejection(() => parseJsonBody(actorUpdateBody, raw('{}'), ACTOR_READ_ONLY));
    expect(status).toBe(422);
    expect(details).toHaveLength(1);
    expect(details![0]!.field).toMatch(/\S/);
    expect(details![0]!.message).toContain('name');
  });
});

describe('parseQuery', () => {
  it('reads a missing query string as no parameters', () => {
    expect(parseQuery(actorListQuery, undefined)).toEqual({ limit: 20 });
  });

  it('is a 400 naming each parameter at fault, unknown ones included (docs/endpoints.md#validation-and-limits)', () => {
    const { status, message, details } = rejection(() => parseQuery(actorListQuery, { limit: '0', sort: 'name' }));
    expect({ status, message }).toEqual({ status: 400, message: 'The query string is invalid.' });
    expect(details).toHaveLength(2);
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'sort', message: 'is not a known field' },
        { field: 'limit', message: expect.stringContaining('1') },
      ]),
    );
  });
});

describe('parsePathParams', () => {
  it('returns the id', () => {
    expect(parsePathParams(idParams, { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toEqual({ id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
  });

  it.each([{ id: 'tom' }, {}, undefined])('is a 400 with the documented message for %p', (params) => {
    const { status, message, details } = rejection(() => parsePathParams(idParams, params));
    expect({ status, message }).toEqual({ status: 400, message: 'The id in the path is malformed.' });
    expect(details!.map((detail) => detail.field)).toEqual(['id']);
  });
});
