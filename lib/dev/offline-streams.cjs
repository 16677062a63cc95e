'use strict';
/**
 * A local Serverless plugin: while serverless-offline runs (npm start, the
 * test suite, or `npx serverless offline` on its own), the functions' DynamoDB
 * stream events are served from DynamoDB Local's streams by
 * lib/dev/stream-poller.ts, invoking the bundled function through
 * serverless-offline's Lambda endpoint as an event source mapping would.
 *
 * It reads DYNAMODB_STREAMS_ENDPOINT, else DYNAMODB_ENDPOINT; with neither
 * there is no local database and it does nothing. Deploys never load it into
 * play: it only hooks serverless-offline's start.
 */
const { pathToFileURL } = require('node:url');

class OfflineStreams {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      // `serverless offline start`: after serverless-offline serves the functions.
      'after:offline:start:init': () => this.start(),
      // `serverless offline`: one lifecycle event; the poller retries until the functions are served.
      'before:offline:start': () => this.start(),
      'before:offline:start:end': () => this.stop(),
    };
  }

  /** Each dynamodb stream event of each function: the table it reads, its filter, and where to deliver. */
  sources(deliverTo) {
    const { service } = this.serverless;
    const resources = service.resources?.Resources ?? {};
    return service.getAllFunctions().flatMap((key) => {
      const fn = service.getFunction(key);
      return (fn.events ?? [])
        .map((event) => event.stream)
        .filter((stream) => stream !== undefined && stream.type === 'dynamodb')
        .map((stream) => {
          const [logicalId] = stream.arn?.['Fn::GetAtt'] ?? [];
          const table = resources[logicalId]?.Properties?.TableName;
          if (typeof table !== 'string') throw new this.serverless.classes.Error(`${key}: a stream event whose arn is not !GetAtt <Table>.StreamArn.`);
          return { table, filterPatterns: stream.filterPatterns ?? [], deliver: deliverTo(fn.name) };
        });
    });
  }

  async start() {
    if (this.poller !== undefined) return;
    const endpoint = process.env.DYNAMODB_STREAMS_ENDPOINT || process.env.DYNAMODB_ENDPOINT;
    if (!endpoint) return;
    this.poller = null;
    const offline = this.serverless.service.custom?.['serverless-offline'] ?? {};
    const host = this.options.host ?? offline.host ?? 'localhost';
    const lambdaPort = this.options.lambdaPort ?? offline.lambdaPort ?? 3002;
    const { tsImport } = await import('tsx/esm/api');
    const { startStreamPoller, invokeThroughOffline } = await tsImport('./stream-poller.ts', pathToFileURL(__filename).href);
    const sources = this.sources((functionName) => invokeThroughOffline(`http://${host}:${lambdaPort}`, functionName));
    this.poller = startStreamPoller({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1', sources });
  }

  async stop() {
    await this.poller?.stop();
  }
}

module.exports = OfflineStreams;
