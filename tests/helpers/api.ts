/**
 * A small client for the HTTP tests: the running serverless-offline stack.
 * Every response is checked against openapi.json (tests/helpers/contract.ts):
 * one the document does not describe fails the test that made the call.
 */
import { checkContract } from './contract';
import { parseBody, type Result } from './result';

export const apiUrl = (): string => process.env.ENSEMBLE_API_URL!;

export interface ApiCall {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export const api = async (path: string, call: ApiCall = {}): Promise<Result> => {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  }
  const method = call.method ?? 'GET';
  const response = await fetch(`${apiUrl()}${path}`, { method, headers, body });
  const text = await response.text();
  checkContract({ method, path, status: response.status, headers: response.headers, text });
  // fetch hands names over lower-cased and joins a repeated header into one value, all but
  // set-cookie (which the API never sends): a repeat is joined here the same way.
  const answered: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    const earlier = answered[name];
    answered[name] = earlier === undefined ? value : `${earlier}, ${value}`;
  }
  return { status: response.status, headers: answered, body: parseBody(text) };
};

/** Unique, valid names so that test files never collide in the shared database. */
let counter = 0;
export const uniqueName = (prefix: string): string =>
  `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
