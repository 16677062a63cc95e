/**
 * The route table (lib/http/route-table.ts) read whole: every route with its
 * name, the catch-all, the error statuses each route can answer, and which
 * methods a path serves. Route handlers import the table itself, not this
 * module, so that each bundle keeps only its own entry; the catch-all, which
 * needs every route, imports this one.
 */
import { anyQuery } from '../validation/schemas';
import * as routes from './route-table';
import type { ErrorStatus, Method, OperationDefinition, RouteDefinition } from './route-table';

export { routes };

/** The name of a route: its function's key in serverless.yml. */
export type RouteName = keyof typeof routes;

/** A route with its name. */
export type Route = RouteDefinition & { function: RouteName };

// Typed as a record of routes, so that anything else exported from route-table.ts fails to compile.
const table: Record<RouteName, RouteDefinition> = routes;

/** Every route, by name. */
export const ROUTES: Route[] = Object.entries(table).map(([name, route]) => ({ ...route, function: name as RouteName }));

/** API Gateway's $default route: whatever no route took. It answers only 404, or 405 with Allow. */
export const catchAll = {
  function: 'notFound',
  handler: 'functions/not-found.ts',
  permission: null,
  // A stray query string must not turn the 404 or 405 into a 400.
  query: anyQuery,
} as const satisfies OperationDefinition & { function: string; handler: string };

/**
 * Every error status the route can answer: its own, and those that follow
 * from its other facts.
 */
export const errorStatuses = (route: RouteDefinition): ErrorStatus[] => {
  // 400: every operation refuses unknown query parameters. 500: anything unforeseen.
  const statuses = new Set<ErrorStatus>([400, 500, ...route.errors]);
  const add = (...more: ErrorStatus[]) => more.forEach((status) => statuses.add(status));
  // 503: the identity provider's key set, or the database, busy or unreachable.
  if (route.permission !== null) add(401, 403, 503);
  if (route.body !== undefined) add(413, 415, 422);
  if (route.ifMatch) add(412);
  if (route.idempotencyKey) add(422);
  return [...statuses].sort((a, b) => a - b);
};

const segmentsMatch = (template: string, path: string): boolean => {
  const expected = template.split('/');
  const actual = path.split('/');
  return (
    expected.length === actual.length &&
    // A parameter needs a value: /movies//actors is no path of this API (API Gateway would not route it to {id} either).
    expected.every((segment, index) => (segment.startsWith('{') ? actual[index] !== '' : segment === actual[index]))
  );
};

/** The order methods are listed in, in `Allow` (the table's own order is by name). */
const METHOD_ORDER: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The methods served at `path`; empty when no route has that path. */
export const allowedMethods = (path: string): Method[] =>
  // A set: /actors/deleted matches both its own GET and the GET of /actors/{id}.
  [...new Set(ROUTES.filter((route) => segmentsMatch(route.path, path)).map((route) => route.method))].sort(
    (a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b),
  );
