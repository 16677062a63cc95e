/**
 * A Stryker ignorer: mutants inside documentation are not generated. The
 * texts and examples passed to `z.describe` and `z.meta` (lib/validation)
 * reach clients only through openapi.json, and tests/unit/openapi.test.ts
 * already fails on any change to that document that was not regenerated and
 * committed. The rules themselves (checks, refinements, messages) are still
 * mutated. (What the document says of the request schemas beyond zod,
 * lib/validation/schema-docs.ts, is left out of the run as a whole.)
 */
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const DOCUMENTING_CALLS = new Set(['describe', 'meta']);

const calleeName = (callee) =>
  callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && callee.property.type === 'Identifier' ? callee.property.name : undefined;

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'documentation', {
    shouldIgnore(path) {
      if (path.isCallExpression() && path.node.callee.type === 'MemberExpression' && path.node.callee.object.type === 'Identifier' && path.node.callee.object.name === 'z') {
        if (DOCUMENTING_CALLS.has(calleeName(path.node.callee))) return 'Documentation for openapi.json, pinned by tests/unit/openapi.test.ts.';
      }
      return undefined;
    },
  }),
];
