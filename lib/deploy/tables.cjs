'use strict';
/**
 * How carefully a stage's DynamoDB tables are kept, from the stage name
 * (serverless.yml reads it as `${file(./lib/deploy/tables.cjs):tableSafety}`).
 *
 * A disposable stage is `dev`, `test` or `ci`, alone or followed by `-…`
 * (`dev-alice`, `test-42`, `ci-pr-17`; any case). Its tables are deleted with
 * the stack (`DeletionPolicy: Delete`) and carry no deletion protection, so
 * `npx serverless remove --stage dev` leaves nothing behind.
 *
 * Every other stage (`prod`, `staging`, `demo`, …) keeps its data: the tables
 * have deletion protection on, `DeletionPolicy: RetainExceptOnCreate` and
 * `UpdateReplacePolicy: Retain`, so neither `serverless remove`, a deleted
 * stack nor a change that would replace a table can drop them. Only a first
 * deploy that fails and rolls back deletes the tables it just created (empty),
 * so the retry does not stumble over them. (`UpdateReplacePolicy` has no such
 * value.) Unknown names err on the safe side.
 */
const DISPOSABLE_STAGE = /^(dev|test|ci)(-[a-z0-9-]+)?$/i;

const isDisposableStage = (stage) => DISPOSABLE_STAGE.test(String(stage));

const tableSafetyFor = (stage) => {
  const disposable = isDisposableStage(stage);
  return {
    disposable,
    deletionPolicy: disposable ? 'Delete' : 'RetainExceptOnCreate',
    updateReplacePolicy: disposable ? 'Delete' : 'Retain',
    deletionProtection: !disposable,
  };
};

module.exports.isDisposableStage = isDisposableStage;
module.exports.tableSafetyFor = tableSafetyFor;
module.exports.tableSafety = async ({ resolveVariable }) => tableSafetyFor(await resolveVariable('sls:stage'));
