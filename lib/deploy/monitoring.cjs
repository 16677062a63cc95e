'use strict';
/**
 * A local Serverless plugin: the alarms serverless-plugin-aws-alerts cannot
 * express (it alarms per function only), the alarm topic they all notify, and
 * one dashboard for the API, the functions and the tables. Only monitored
 * stages get them (lib/deploy/operations.cjs). docs/deploying-and-operating.md#operating-a-stage
 * has what each alarm means and what to check first.
 *
 * It also removes the shared role `IamRoleLambdaExecution` that Serverless
 * always compiles: serverless-iam-roles-per-function gives every function a
 * role of its own, so nothing uses it, and an unused role with log and X-Ray
 * rights is one more thing to audit.
 */

const SHARED_ROLE = 'IamRoleLambdaExecution';

/** DynamoDB operations the functions send (lib/storage); the per-operation table metrics are summed over them. */
const TABLE_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'TransactWriteItems'];

const API_5XX_PERCENT = 5;
const API_P99_MS = 2500;
const TABLE_CONFLICTS_PER_5_MINUTES = 50;

class Monitoring {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'package:compileEvents': () => this.addMonitoring(),
      // After serverless-iam-roles-per-function (listed before this plugin) has moved every function to its own role.
      'before:package:finalize': () => this.dropSharedRole(),
    };
  }

  get template() {
    return this.serverless.service.provider.compiledCloudFormationTemplate;
  }

  dropSharedRole() {
    const resources = this.template.Resources;
    if (resources[SHARED_ROLE] === undefined) return;
    const { [SHARED_ROLE]: _shared, ...others } = resources;
    const rest = JSON.stringify({ ...this.template, Resources: others });
    if (rest.includes(`"${SHARED_ROLE}"`)) {
      throw new this.serverless.classes.Error(`${SHARED_ROLE} is still referenced; every function needs its own iamRoleStatements.`);
    }
    delete resources[SHARED_ROLE];
  }

  addMonitoring() {
    const { service } = this.serverless;
    const settings = service.custom.operations;
    if (!settings.monitored) return;
    const stackName = `${service.service}-${service.provider.stage}`;
    const tables = Object.entries(service.resources?.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
      .map(([logicalId, resource]) => ({ logicalId, name: resource.Properties.TableName }));
    const functionNames = service.getAllFunctions().map((key) => service.getFunction(key).name);

    const resources = {
      AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${stackName}-alarms` } },
      ApiServerErrorsAlarm: apiServerErrorsAlarm(stackName),
      ApiLatencyAlarm: apiLatencyAlarm(stackName),
      OperationsDashboard: dashboard(stackName, functionNames, tables),
    };
    if (settings.alarmEmail !== '') {
      resources.AlarmEmailSubscription = {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: settings.alarmEmail },
      };
    }
    for (const table of tables) Object.assign(resources, tableAlarms(stackName, table));
    for (const [logicalId] of Object.entries(service.resources?.Resources ?? {}).filter(([, resource]) => resource.Type === 'AWS::SQS::Queue')) {
      resources[`${logicalId}MessagesAlarm`] = deadLetterAlarm(stackName, logicalId);
    }
    Object.assign(this.template.Resources, resources);
  }
}

const alarmDefaults = (name, description) => ({
  AlarmName: name,
  AlarmDescription: `${description} Runbook: docs/deploying-and-operating.md#operating-a-stage.`,
  ActionsEnabled: true,
  AlarmActions: [{ Ref: 'AlarmTopic' }],
  OKActions: [{ Ref: 'AlarmTopic' }],
  // No traffic is not a failure.
  TreatMissingData: 'notBreaching',
});

const apiDimensions = [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }];

const apiMetric = (id, metricName) => ({
  Id: id,
  ReturnData: false,
  MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: metricName, Dimensions: apiDimensions }, Period: 60, Stat: 'Sum' },
});

/** The share of requests answered 5xx, in percent, per minute; 3 bad minutes out of 5 alarm. */
const apiServerErrorsAlarm = (stackName) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    ...alarmDefaults(`${stackName}-api-5xx-rate`, `More than ${API_5XX_PERCENT}% of the API's responses are 5xx.`),
    Metrics: [
      apiMetric('errors', '5xx'),
      apiMetric('requests', 'Count'),
      { Id: 'rate', Label: '5xx responses (%)', Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true },
    ],
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: API_5XX_PERCENT,
    EvaluationPeriods: 5,
    DatapointsToAlarm: 3,
  },
});

const apiLatencyAlarm = (stackName) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    ...alarmDefaults(`${stackName}-api-p99-latency`, `The API's p99 latency is above ${API_P99_MS} ms.`),
    Namespace: 'AWS/ApiGateway',
    MetricName: 'Latency',
    Dimensions: apiDimensions,
    ExtendedStatistic: 'p99',
    Period: 300,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: API_P99_MS,
  },
});

/** A table metric that DynamoDB publishes per operation, summed over the operations the functions use. */
const perOperationSum = (table, metricName) => [
  ...TABLE_OPERATIONS.map((operation, index) => ({
    Id: `op${index}`,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/DynamoDB',
        MetricName: metricName,
        Dimensions: [
          { Name: 'TableName', Value: table.name },
          { Name: 'Operation', Value: operation },
        ],
      },
      Period: 60,
      Stat: 'Sum',
    },
  })),
  { Id: 'total', Label: `${metricName} (all operations)`, Expression: TABLE_OPERATIONS.map((_, index) => `FILL(op${index}, 0)`).join(' + '), ReturnData: true },
];

const tableAlarms = (stackName, table) => {
  const short = table.logicalId.replace(/Table$/, '');
  const prefix = `${stackName}-${short.toLowerCase()}-table`;
  return {
    [`${short}TableThrottlesAlarm`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ...alarmDefaults(`${prefix}-throttled-requests`, `DynamoDB throttles requests to ${table.name}.`),
        Metrics: perOperationSum(table, 'ThrottledRequests'),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
      },
    },
    [`${short}TableSystemErrorsAlarm`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ...alarmDefaults(`${prefix}-system-errors`, `DynamoDB answers requests to ${table.name} with internal errors (HTTP 500).`),
        Metrics: perOperationSum(table, 'SystemErrors'),
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 2,
      },
    },
    [`${short}TableConflictsAlarm`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ...alarmDefaults(
          `${prefix}-transaction-conflicts`,
          `Writes to ${table.name} keep colliding (more than ${TABLE_CONFLICTS_PER_5_MINUTES} transaction conflicts in 5 minutes).`,
        ),
        Namespace: 'AWS/DynamoDB',
        MetricName: 'TransactionConflict',
        Dimensions: [{ Name: 'TableName', Value: table.name }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: TABLE_CONFLICTS_PER_5_MINUTES,
      },
    },
  };
};

/** A dead-letter queue that holds anything: a stream batch the consumer gave up on, so `total` is off until recounted. */
const deadLetterAlarm = (stackName, logicalId) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    ...alarmDefaults(
      `${stackName}-${logicalId.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}-messages`,
      `The dead-letter queue ${logicalId} holds failed stream batches: \`total\` is off until recounted.`,
    ),
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId, 'QueueName'] } }],
    Statistic: 'Maximum',
    Period: 300,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    Threshold: 1,
  },
});

/**
 * The dashboard body is JSON with `${HttpApi}` and `${AWS::Region}` left for
 * CloudFormation to fill in (Fn::Sub), since the API id exists only once deployed.
 */
const dashboard = (stackName, functionNames, tables) => {
  const widget = (title, metrics, y, options = {}) => ({
    type: 'metric',
    x: options.x ?? 0,
    y,
    width: options.width ?? 12,
    height: 6,
    properties: { title, region: '${AWS::Region}', view: 'timeSeries', stacked: false, period: 60, metrics, ...options.properties },
  });
  const api = (metric, options = {}) => ['AWS/ApiGateway', metric, 'ApiId', '${HttpApi}', { stat: 'Sum', ...options }];
  const perFunction = (metric, stat) => functionNames.map((name) => ['AWS/Lambda', metric, 'FunctionName', name, { stat }]);
  // One line per dimension value (each operation, each reason), whichever have been seen.
  const search = (namespace, metric, dimension, id) => [
    { id, expression: `SEARCH('{${namespace},${dimension}} MetricName="${metric}"', 'Sum', 60)`, label: metric },
  ];
  const perTable = (metric, stat = 'Sum') => tables.map((table) => ['AWS/DynamoDB', metric, 'TableName', table.name, { stat }]);
  const widgets = [
    widget('API: requests and errors', [api('Count'), api('4xx'), api('5xx')], 0),
    widget('API: latency (ms)', [api('Latency', { stat: 'p50' }), api('Latency', { stat: 'p99' }), api('IntegrationLatency', { stat: 'p99' })], 0, { x: 12 }),
    widget('Functions: invocations', perFunction('Invocations', 'Sum'), 6),
    widget('Functions: logged errors (ERROR lines)', functionNames.map((name) => [stackName, `LoggedErrors${logicalIdOf(name, stackName)}`, { stat: 'Sum' }]), 6, { x: 12 }),
    widget('Functions: duration p99 (ms)', perFunction('Duration', 'p99'), 12),
    widget('Functions: throttles and concurrency', [...perFunction('Throttles', 'Sum'), ...perFunction('ConcurrentExecutions', 'Maximum')], 12, { x: 12 }),
    widget('Tables: consumed capacity', [...perTable('ConsumedReadCapacityUnits'), ...perTable('ConsumedWriteCapacityUnits')], 18),
    widget(
      'Tables: throttles, conflicts',
      [...perTable('ReadThrottleEvents'), ...perTable('WriteThrottleEvents'), ...perTable('TransactionConflict')],
      18,
      { x: 12 },
    ),
    widget(
      'Application metrics (embedded metric format)',
      [
        search(stackName, 'Writes', 'Operation', 'w'),
        search(stackName, 'AuthRejections', 'Reason', 'a'),
        [stackName, 'FreshReadRetries', { stat: 'Sum' }],
        [stackName, 'IdempotentReplays', { stat: 'Sum' }],
      ],
      24,
      { width: 24 },
    ),
  ];
  return {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: stackName, DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) } },
  };
};

/** serverless-plugin-aws-alerts names its log metric after the function's logical id (`getActor` → `GetActorLambdaFunction`). */
const logicalIdOf = (functionName, stackName) => {
  const key = functionName.slice(stackName.length + 1);
  return `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;
};

module.exports = Monitoring;
