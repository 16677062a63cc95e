/**
 * The middy middleware that refuses requests which did not come through the
 * stage's CloudFront distribution, on stages deployed behind it (docs/deploying-and-operating.md#the-edge): CloudFront adds a secret header on its way to the HTTP API, so
 * a request sent straight to the `execute-api` URL lacks it, and would
 * otherwise skip WAF's per-address limits. It is a 403 in the error format,
 * answered before the token is even looked at.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { EDGE_ORIGIN_HEADER, readEdgeConfig, type EdgeConfig } from '../config';
import { NotThroughEdgeError } from './errors';

/** Hashes compared in constant time: neither the keys' length nor their first differing byte shows in the timing. */
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

const matchesAny = (presented: string, keys: Buffer[]): boolean => {
  const candidate = digest(presented);
  // Every key is compared, so the time does not say which one matched.
  return keys.reduce((found, key) => timingSafeEqual(candidate, key) || found, false);
};

export const requireEdgeOrigin = (): middy.MiddlewareObj<APIGatewayProxyEventV2> => {
  // Read once, at this function's first request, like every setting (lib/config.ts).
  let config: { keys: Buffer[] } | null | undefined;
  const settings = (): { keys: Buffer[] } | null => {
    if (config === undefined) {
      const edge: EdgeConfig | undefined = readEdgeConfig();
      config = edge === undefined ? null : { keys: edge.originKeys.map(digest) };
    }
    return config;
  };
  return {
    before: (request) => {
      const edge = settings();
      if (edge === null) return;
      const headers = (request.event as Partial<APIGatewayProxyEventV2>).headers ?? {};
      const presented = headers[EDGE_ORIGIN_HEADER];
      if (presented === undefined || !matchesAny(presented, edge.keys)) {
        throw new NotThroughEdgeError("Send requests to this stage's public address, not to the API's own.");
      }
    },
  };
};
