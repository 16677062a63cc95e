/**
 * What operation()'s middlewares learn about a request and hand on: the
 * Lambda context, extended as middy's own middlewares extend it (middy passes
 * the one `request.context` object to every hook and then to the handler).
 * Nothing is written into the event, which stays what API Gateway sent.
 */
import type { Context } from 'aws-lambda';

/** Who is asking: the verified token's subject and the permissions it carries. */
export interface Caller {
  sub: string;
  permissions: readonly string[];
}

export interface RequestContext extends Context {
  /**
   * Set by authorize() once the token is verified, before the permission
   * check, so that a 403's request line names who tried; absent on public
   * operations and on a request turned away before its token was read.
   */
  caller?: Caller;
}
