'use strict';
/**
 * A local Serverless plugin: what stands between a client and the functions
 * (docs/deploying-and-operating.md#throttles and
 * docs/deploying-and-operating.md#the-edge).
 *
 * Per-route throttles. `custom.routeThrottles` in serverless.yml is the one
 * table: a row per route key, written into the HTTP API stage's
 * RouteSettings, so each route has a bucket sized for it. Packaging stops if
 * a route has no row (it would get the stage default) or a row no route. The
 * stage is made to depend on the routes: API Gateway refuses settings for a
 * route it does not know yet.
 *
 * The edge. On kept stages (lib/deploy/tables.cjs) unless EDGE=off, and on
 * any stage with EDGE=on: a CloudFront distribution in front of the HTTP API
 * (WAF cannot attach to an HTTP API), with a WAF web ACL whose rate-based
 * rules limit each client address (`custom.edge.perAddress`). Nothing is
 * cached and every viewer header but Host reaches the API, Authorization
 * included. CloudFront adds an X-Origin-Verify header with the first of
 * EDGE_ORIGIN_KEYS, which every function gets and checks
 * (lib/http/edge-origin.ts), so the API's own execute-api URL serves nothing.
 * A CloudFront-scope web ACL can only be created in us-east-1: a stage there
 * gets its own; a stage elsewhere names an existing one, EDGE_WEB_ACL_ARN.
 */
const { isDisposableStage } = require('./tables.cjs');

/** AWS's managed CloudFront policies: caching off; every viewer header, cookie and query string except Host to the origin. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const ORIGIN_HEADER = 'X-Origin-Verify';
const ORIGIN_ID = 'http-api';
// Same rule as lib/config.ts (readEdgeConfig), checked before anything is built.
const MIN_EDGE_KEY_LENGTH = 32;
/** WAF counts each address's requests over this window (60, 120, 300 or 600 s). */
const EVALUATION_WINDOW_SECONDS = 300;
const DOCUMENT_PATHS = ['/api/v1/docs', '/api/v1/openapi.json'];
const TOO_MANY_REQUESTS = 'too-many-requests';
const GLOBAL_WEB_ACL_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/;

/**
 * The edge settings of a stage: `{ enabled: false }`, `{ enabled: true, originKeys, webAclArn }`,
 * or `{ problem }`, the end of the sentence "Refusing to package or deploy: set …".
 */
const edgeSettingsFor = (stage, region, env = process.env) => {
  const setting = (env.EDGE ?? '').trim().toLowerCase();
  if (!['', 'on', 'off'].includes(setting)) {
    return { problem: 'EDGE to on or off, or leave it unset (on for kept stages, off for dev, test and ci stages).' };
  }
  const enabled = setting === '' ? !isDisposableStage(stage) : setting === 'on';
  if (!enabled) return { enabled: false };
  const originKeys = (env.EDGE_ORIGIN_KEYS ?? '').split(',').map((key) => key.trim());
  if (originKeys.some((key) => key.length < MIN_EDGE_KEY_LENGTH)) {
    return {
      problem:
        `EDGE_ORIGIN_KEYS to this stage's edge keys (comma-separated, the one CloudFront sends first, each at least ` +
        `${MIN_EDGE_KEY_LENGTH} characters; see docs/deploying-and-operating.md#the-edge), or EDGE=off to deploy without the edge.`,
    };
  }
  const webAclArn = (env.EDGE_WEB_ACL_ARN ?? '').trim() || undefined;
  if (webAclArn !== undefined && !GLOBAL_WEB_ACL_ARN.test(webAclArn)) {
    return { problem: `EDGE_WEB_ACL_ARN to the ARN of a CloudFront-scope web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/…), not "${webAclArn}".` };
  }
  if (webAclArn === undefined && region !== 'us-east-1') {
    return {
      problem:
        `EDGE_WEB_ACL_ARN: a CloudFront web ACL can only be created in us-east-1, and this stage deploys to ${region}. ` +
        'Deploy a stage with the edge in us-east-1 and use its EdgeWebAclArn output (docs/deploying-and-operating.md#the-edge), or EDGE=off.',
    };
  }
  return { enabled: true, originKeys, webAclArn };
};

const rateRule = (stackName, name, priority, limit, scopeDown) => ({
  Name: name,
  Priority: priority,
  Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: TOO_MANY_REQUESTS } } },
  Statement: {
    RateBasedStatement: {
      Limit: limit,
      EvaluationWindowSec: EVALUATION_WINDOW_SECONDS,
      AggregateKeyType: 'IP',
      ...(scopeDown === undefined ? {} : { ScopeDownStatement: scopeDown }),
    },
  },
  VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: `${stackName}-${name}` },
});

const pathStartsWith = (path) => ({
  ByteMatchStatement: { SearchString: path, FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', TextTransformations: [{ Priority: 0, Type: 'NONE' }] },
});

const webAcl = (stackName, perAddress) => ({
  Type: 'AWS::WAFv2::WebACL',
  Properties: {
    Name: `${stackName}-edge`,
    Scope: 'CLOUDFRONT',
    // WAF allows no quotes or brackets here.
    Description: `Per-address rate limits in front of ${stackName}, see docs/deploying-and-operating.md#the-edge`,
    DefaultAction: { Allow: {} },
    // WAF cannot add a request id, nor a Retry-After (it prefixes every header it adds with x-amzn-waf-).
    CustomResponseBodies: {
      [TOO_MANY_REQUESTS]: {
        ContentType: 'APPLICATION_JSON',
        Content: JSON.stringify({ success: false, error: 429, message: 'Too many requests from your address; wait a minute, then retry.' }),
      },
    },
    Rules: [
      rateRule(stackName, 'documents-per-address', 0, perAddress.documents, { OrStatement: { Statements: DOCUMENT_PATHS.map(pathStartsWith) } }),
      rateRule(stackName, 'requests-per-address', 1, perAddress.requests),
    ],
    VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: `${stackName}-edge` },
  },
});

/** The edge's resources and outputs: a distribution, and a web ACL unless one is named by ARN. */
const edgeResources = ({ stackName, webAclArn, originKey, perAddress }) => {
  const resources = {};
  const outputs = {};
  if (webAclArn === undefined) {
    resources.EdgeWebAcl = webAcl(stackName, perAddress);
    outputs.EdgeWebAclArn = { Description: 'The web ACL, for stages outside us-east-1 (EDGE_WEB_ACL_ARN).', Value: { 'Fn::GetAtt': ['EdgeWebAcl', 'Arn'] } };
  }
  resources.EdgeDistribution = {
    Type: 'AWS::CloudFront::Distribution',
    Properties: {
      DistributionConfig: {
        Enabled: true,
        Comment: `${stackName}: the HTTP API behind WAF`,
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        // North America and Europe only: the cheapest class (docs/deploying-and-operating.md#the-edge).
        PriceClass: 'PriceClass_100',
        WebACLId: webAclArn ?? { 'Fn::GetAtt': ['EdgeWebAcl', 'Arn'] },
        Origins: [
          {
            Id: ORIGIN_ID,
            DomainName: { 'Fn::Sub': '${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' },
            CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], HTTPSPort: 443 },
            OriginCustomHeaders: [{ HeaderName: ORIGIN_HEADER, HeaderValue: originKey }],
          },
        ],
        DefaultCacheBehavior: {
          TargetOriginId: ORIGIN_ID,
          // Plain HTTP is refused, not redirected: a redirect would come after the token was sent in clear.
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachedMethods: ['GET', 'HEAD'],
          // Caching off is also what lets an origin request policy forward Authorization.
          CachePolicyId: CACHING_DISABLED,
          OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    },
  };
  outputs.EdgeUrl = { Description: "The stage's public address: send every request here.", Value: { 'Fn::Sub': 'https://${EdgeDistribution.DomainName}' } };
  return { resources, outputs };
};

/** RouteSettings and the default (the strictest row) from the table, checked against the routes the API has. */
const routeSettings = (table, routeKeys) => {
  const rows = Object.keys(table ?? {});
  const missing = routeKeys.filter((key) => !rows.includes(key));
  const extra = rows.filter((key) => !routeKeys.includes(key));
  const problems = [
    ...missing.map((key) => `the route ${key} has no row in custom.routeThrottles`),
    ...extra.map((key) => `custom.routeThrottles has a row for ${key}, which is no route`),
  ];
  for (const [key, row] of Object.entries(table ?? {})) {
    const valid = [row?.rateLimit, row?.burstLimit].every((value) => Number.isInteger(value) && value > 0);
    if (!valid) problems.push(`custom.routeThrottles.${key} needs a positive whole rateLimit and burstLimit`);
  }
  if (problems.length > 0) return { problems };
  const settings = Object.fromEntries(
    rows.map((key) => [key, { ThrottlingRateLimit: table[key].rateLimit, ThrottlingBurstLimit: table[key].burstLimit }]),
  );
  const strictest = {
    ThrottlingRateLimit: Math.min(...rows.map((key) => table[key].rateLimit)),
    ThrottlingBurstLimit: Math.min(...rows.map((key) => table[key].burstLimit)),
  };
  return { settings, strictest };
};

class Edge {
  constructor(serverless) {
    this.serverless = serverless;
    const check = () => {
      const { problem } = this.settings();
      if (problem !== undefined) throw new serverless.classes.Error(`Refusing to package or deploy: set ${problem}`);
    };
    this.hooks = {
      // provider.environment, so `serverless deploy function` keeps the keys too.
      initialize: () => this.giveFunctionsTheKeys(),
      'before:package:initialize': check,
      'before:deploy:function:initialize': check,
      // Once the API, its routes and stage are compiled.
      'before:package:finalize': () => this.addToTemplate(),
    };
  }

  settings() {
    const { provider } = this.serverless.service;
    return edgeSettingsFor(provider.stage, provider.region);
  }

  giveFunctionsTheKeys() {
    const settings = this.settings();
    if (settings.enabled !== true) return;
    const { provider } = this.serverless.service;
    provider.environment = { ...provider.environment, EDGE_ORIGIN_KEYS: settings.originKeys.join(',') };
  }

  addToTemplate() {
    const { service } = this.serverless;
    const template = service.provider.compiledCloudFormationTemplate;
    const resources = template.Resources;
    const routes = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Route');
    const stage = resources.HttpApiStage;
    if (stage === undefined) throw new this.serverless.classes.Error('lib/deploy/edge.cjs: the HTTP API stage (HttpApiStage) was not compiled.');
    const { problems, settings, strictest } = routeSettings(service.custom.routeThrottles, routes.map(([, route]) => route.Properties.RouteKey));
    if (problems !== undefined) throw new this.serverless.classes.Error(`Refusing to package: ${problems.join('; ')}.`);
    stage.Properties.RouteSettings = settings;
    stage.Properties.DefaultRouteSettings = { ...stage.Properties.DefaultRouteSettings, DetailedMetricsEnabled: false, ...strictest };
    stage.DependsOn = [...new Set([stage.DependsOn ?? []].flat().concat(routes.map(([logicalId]) => logicalId)))];

    const edge = this.settings();
    if (edge.enabled !== true) return;
    const built = edgeResources({
      stackName: `${service.service}-${service.provider.stage}`,
      webAclArn: edge.webAclArn,
      originKey: edge.originKeys[0],
      perAddress: service.custom.edge.perAddress,
    });
    Object.assign(resources, built.resources);
    template.Outputs = { ...template.Outputs, ...built.outputs };
  }
}

module.exports = Edge;
module.exports.edgeSettingsFor = edgeSettingsFor;
module.exports.edgeResources = edgeResources;
module.exports.routeSettings = routeSettings;
