/**
 * A small client for the HTTP tests: the running serverless-offline stack.
 * Every response is checked against openapi.json (tests/helpers/contract.ts):
 * one the document does not describe fails the test that made the call.
 */
import { checkContract } from './contract';

export const apiUrl = (): string => process.env.ENSEMBLE_API_URL!;

export interface ApiCall {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResult {
  status: number;
  headers: Headers;
  body: any;
}

export const api = async (path: string, call: ApiCall = {}): Promise<ApiResult> => {
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
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text (the docs page)
  }
  return { status: response.status, headers: response.headers, body: parsed };
};

/** Unique, valid names so that test files never collide in the shared database. */
let counter = 0;
export const uniqueName = (prefix: string): string =>
  `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
