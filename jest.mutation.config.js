/**
 * The jest configuration StrykerJS runs (`npm run test:mutation`,
 * stryker.config.mjs): the `unit` project of jest.config.js, because the
 * mutated modules are pure and the other projects start servers; without
 * the three unit tests that check generated artefacts rather than rules
 * (openapi.json, the Auth0 plan, the benchmark report). They import the core,
 * so each would rerun, for ~10 s, for every mutant of a module-level
 * constant; the rules they rely on are tested directly, and the documentation
 * they pin is left out of the mutants (tests/mutation/ignore-documentation.mjs).
 */
import config from './jest.config.js';

const unit = config.projects.find((project) => project.displayName === 'unit');
if (unit === undefined) throw new Error('jest.config.js has no project named "unit".');

const ARTEFACT_TESTS = ['openapi', 'auth0-setup', 'bench'];

export default {
  ...unit,
  testPathIgnorePatterns: [...(unit.testPathIgnorePatterns ?? []), `/tests/unit/(${ARTEFACT_TESTS.join('|')})\\.test\\.ts$`],
  maxWorkers: 1,
};
