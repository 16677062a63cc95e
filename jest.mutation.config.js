/**
 * The jest configuration StrykerJS runs (`npm run test:mutation`,
 * stryker.config.mjs): the `unit` project of jest.config.js on its own,
 * because the mutated modules are pure and the other projects start servers.
 */
import config from './jest.config.js';

const unit = config.projects.find((project) => project.displayName === 'unit');
if (unit === undefined) throw new Error('jest.config.js has no project named "unit".');

export default { ...unit, maxWorkers: 1 };
