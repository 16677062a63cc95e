/**
 * What a request answered, in one shape whether the handler ran in this
 * process (tests/helpers/invoke.ts) or behind serverless-offline
 * (tests/helpers/api.ts), and the assertions made on it.
 */

export interface Result {
  status: number;
  /** Every header the answer carries, by lower-cased name (HTTP header names are case-insensitive). */
  headers: Record<string, string>;
  /** The parsed JSON body, or the text when it is not JSON (the docs page, an empty 304). */
  body: any;
}

/** The body as JSON when it parses, or else as it came. */
export const parseBody = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * A handler's headers by lower-cased name. Two names that differ only in case
 * would be one header sent twice, which no handler of ours means to do: that
 * fails the test rather than one value hiding the other.
 */
export const lowerCaseNames = (headers: Record<string, string>): Record<string, string> => {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (key in lowered) throw new Error(`the answer sets the header ${key} twice, under names that differ only in case`);
    lowered[key] = value;
  }
  return lowered;
};

/** Asserts the docs/endpoints.md#errors error shape and returns the body for further checks. */
export const expectError = (result: Result, status: number) => {
  expect(result.status).toBe(status);
  expect(result.body).toEqual(
    expect.objectContaining({ success: false, error: status, message: expect.any(String), request_id: expect.any(String) }),
  );
  expect(JSON.stringify(result.body)).not.toMatch(/ensemble-test|stack|Exception|at \w+ \(/);
  return result.body;
};

/** How many results had each status, e.g. `{ 201: 1, 409: 24 }`. */
export const statusCounts = (results: Result[]): Record<number, number> =>
  results.reduce<Record<number, number>>((counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
