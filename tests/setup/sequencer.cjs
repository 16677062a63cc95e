'use strict';
/**
 * Jest's own order (slowest and failed first), except that the load test
 * runs last: its 20 connections for 20 s or more leave serverless-offline with
 * dozens of warm worker threads and a few GB of memory, and on a 2-core
 * machine a test right after it could see a request outlive the 10 s Lambda
 * timeout for that reason alone.
 */
const Sequencer = require('@jest/test-sequencer').default;

const isLoadTest = (test) => /[/\\]tests[/\\]http[/\\]load\.test\.ts$/.test(test.path);

class LoadTestLast extends Sequencer {
  async sort(tests) {
    const sorted = [...(await super.sort(tests))];
    return [...sorted.filter((test) => !isLoadTest(test)), ...sorted.filter(isLoadTest)];
  }
}

module.exports = LoadTestLast;
