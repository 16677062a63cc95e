'use strict';
/**
 * What a stage gets for operating it, from the stage name (serverless.yml reads
 * `${file(./lib/deploy/operations.cjs):operations}`).
 *
 * Kept stages (see lib/deploy/tables.cjs) are monitored: alarms to an SNS
 * topic, the dashboard. Disposable stages (`dev`, `test-42`, …) get neither
 * alarms nor dashboard (nobody is paged for them, and each alarm costs money
 * every month). Both log at INFO, the lowest level the logger has (lib/log.ts).
 * LOG_LEVEL in the deploying shell overrides the level; ALARM_EMAIL subscribes
 * an address to the alarm topic.
 */
const { isDisposableStage } = require('./tables.cjs');

const operationsFor = (stage, env = process.env) => {
  const monitored = !isDisposableStage(stage);
  return {
    monitored,
    // serverless-plugin-aws-alerts takes the list of stages it alarms on.
    alarmStages: monitored ? [String(stage)] : [],
    logLevel: 'INFO',
    alarmEmail: (env.ALARM_EMAIL ?? '').trim(),
  };
};

module.exports.operationsFor = operationsFor;
module.exports.operations = async ({ resolveVariable }) => operationsFor(await resolveVariable('sls:stage'));
