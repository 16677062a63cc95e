// ESLint: @eslint/js recommended everywhere, typescript-eslint's strict
// type-checked rules over the TypeScript (functions/, lib/, tests/), and plain
// JavaScript rules for the CommonJS serverless.yml helpers and the jest files.
// `npm run lint` runs it with zero warnings allowed.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// An option object replaces the rule's (lenient) defaults, so tuned rules restate strictTypeChecked's settings.
const strictTemplates = {
  allowAny: false,
  allowBoolean: false,
  allowNever: false,
  allowNullish: false,
  allowNumber: false,
  allowRegExp: false,
};
const strictPlus = { allowAny: false, allowBoolean: false, allowNullish: false, allowNumberAndString: false, allowRegExp: false };

// As tsc's noUnusedLocals/noUnusedParameters accept: a `_name`, and a key omitted by a rest sibling, are deliberate.
const unusedVars = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true };

/**
 * The layers, as import zones (docs/design-and-limits.md#project-layout): each
 * entry names the files of a layer and what they may not import, so an import
 * that runs up (or sideways past a layer) fails the lint. ESLint's own
 * no-restricted-imports, one files block per layer; `import type` counts too.
 */
const below = (layerName, paths) => paths.map((path) => ({ group: [path, `${path}/**`], message: `${layerName} does not import ${path}: layers look only down.` }));
const LAYERS = [
  // The casting agency's own terms: nothing of ours, and no I/O.
  { files: ['lib/domain/**/*.ts'], forbidden: [{ group: ['../*', '../**'], message: 'lib/domain imports nothing of ours outside lib/domain.' }] },
  { files: ['lib/validation/**/*.ts'], forbidden: below('lib/validation', ['../http', '../services', '../storage', '../auth']) },
  { files: ['lib/auth/**/*.ts'], forbidden: below('lib/auth', ['../http', '../services', '../storage', '../validation']) },
  // DynamoDB in the domain's terms: no HTTP, no request schemas, no business rules.
  { files: ['lib/storage/**/*.ts'], forbidden: below('lib/storage', ['../http', '../validation', '../services', '../auth']) },
  { files: ['lib/services/**/*.ts'], forbidden: below('lib/services', ['../http', '../auth']) },
  // HTTP reaches the records only through the services a handler calls.
  { files: ['lib/http/**/*.ts'], forbidden: below('lib/http', ['../storage', '../services']) },
  // A handler: operation() on its route-table entry and one call into the services.
  {
    files: ['functions/actors/**/*.ts', 'functions/movies/**/*.ts'],
    forbidden: below('A handler', ['../../lib/storage', '../../lib/domain', '../../lib/validation', '../../lib/auth', '../../lib/config', '../../lib/log']),
  },
  { files: ['functions/*.ts'], forbidden: below('A handler', ['../lib/storage', '../lib/services', '../lib/domain', '../lib/auth', '../lib/config', '../lib/log']) },
  // The stream consumer has no HTTP: it calls the storage's counter directly.
  { files: ['functions/streams/**/*.ts'], forbidden: below('The stream consumer', ['../../lib/http', '../../lib/services']) },
];

export default defineConfig(
  {
    ignores: ['node_modules/', '.local/', '.esbuild*/', '.serverless/', '.serverless-offline/', 'coverage/', '.bench/', '.stryker-tmp/', 'reports/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A number in a template literal has one obvious text; undefined, null and objects are still errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { ...strictTemplates, allowNumber: true }],
      // `() => resolve()` callbacks are idiomatic; a void call returned from a block body is still an error.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', unusedVars],
    },
  },
  ...LAYERS.map(({ files, forbidden }) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: forbidden }] } })),
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Tests and the benchmark read back what they have just written; a wrong `!` fails the run at once.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['tests/{unit,integration,http,dev,helpers}/**/*.ts'],
    rules: {
      // Response bodies and parsed templates are untyped JSON on purpose: tests probe them by path and
      // let expect() judge the values, so `any` and its unchecked use are allowed in tests only.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-plus-operands': ['error', { ...strictPlus, allowAny: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { ...strictTemplates, allowNumber: true, allowAny: true }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    rules: {
      // The same convention as in the TypeScript files.
      'no-unused-vars': ['error', unusedVars],
    },
  },
);
