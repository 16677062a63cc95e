/**
 * Deploy hardening (docs/deploying-and-operating.md#deploying-to-aws), asserted over the CloudFormation that
 * `serverless package` produces, for a production-like stage (`prod`) and a
 * disposable one (`dev`), packaged once each, side by side.
 *
 * The IAM part has two halves. The packaged roles must grant exactly the
 * table below: the least privilege. And the code must need no more than that:
 * every function with data access is run in-process against the suite's
 * DynamoDB Local through all of its data paths (search, idempotent replay,
 * renames, cast changes), with every DynamoDB request recorded as the IAM
 * actions it needs, and the recorded actions must equal the table. A handler
 * that starts using a new action or table fails here, not in production with
 * AccessDeniedException. The functions granted nothing must have no DynamoDB
 * client in their packaged bundles at all.
 *
 * The same two packaged templates also carry what an operator needs
 * (docs/deploying-and-operating.md#operating-a-stage): tracing rights,
 * reserved concurrency, retained versions for rollback, the access log, and
 * on the kept stage the alarms and dashboard; and the edge
 * (docs/deploying-and-operating.md#throttles and
 * docs/deploying-and-operating.md#the-edge): each route's own throttle on
 * both, CloudFront and WAF in front of the API on the kept one only.
 * Every resource of both is checked against the CloudFormation resource
 * specification (tests/helpers/cfn-spec.ts), so a misspelt property fails here.
 *
 * (What packaging refuses: deploy-guard-rules.test.ts and deploy-guard.test.ts.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { handler as createActor } from '../../functions/actors/create';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as listDeletedActors } from '../../functions/actors/deleted';
import { handler as restoreActor } from '../../functions/actors/restore';
import { handler as listDeletedMovies } from '../../functions/movies/deleted';
import { handler as restoreMovie } from '../../functions/movies/restore';
import { handler as getActor } from '../../functions/actors/get';
import { handler as listActors } from '../../functions/actors/list';
import { handler as updateActor } from '../../functions/actors/update';
import { handler as addMovieActor } from '../../functions/movies/add-actor';
import { handler as getMovieCast } from '../../functions/movies/cast';
import { handler as getActorMovies } from '../../functions/actors/movies';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as deleteMovie } from '../../functions/movies/delete';
import { handler as getMovie } from '../../functions/movies/get';
import { handler as listMovies } from '../../functions/movies/list';
import { handler as removeMovieActor } from '../../functions/movies/remove-actor';
import { handler as countRecords } from '../../functions/streams/count-records';
import { handler as updateMovie } from '../../functions/movies/update';
import { store } from '../../lib/storage/store';
import { uniqueName } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { loadSpec, specProblems } from '../helpers/cfn-spec';
import { invoke, type InvokeRequest } from '../helpers/invoke';
import { roleToken } from '../helpers/tokens';

// ---------------------------------------------------------------------------------------------
// What each function may do: IAM action (without `dynamodb:`) → resources, by logical id.
// ---------------------------------------------------------------------------------------------

const ACTORS = 'ActorsTable';
const MOVIES = 'MoviesTable';
const ACTORS_GSI1 = 'ActorsTable/index/gsi1';
const MOVIES_GSI1 = 'MoviesTable/index/gsi1';
const ACTORS_STREAM = 'ActorsTable/stream';
const MOVIES_STREAM = 'MoviesTable/stream';
/** What an event source mapping needs of its stream: Lambda reads it with the function's role, the code never does. */
const STREAM_READ = ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'];

type Grants = Record<string, string[]>;

const EXPECTED: Record<string, Grants> = {
  health: {},
  openapi: {},
  docs: {},
  notFound: {},
  getActor: { [ACTORS]: ['GetItem'] },
  // Query the list or word index; GetItem the counter item (`total`); BatchGetItem the records a search found;
  // GetItem the movie whose cast not_in_movie leaves out.
  listActors: { [ACTORS_GSI1]: ['Query'], [ACTORS]: ['GetItem', 'BatchGetItem'], [MOVIES]: ['GetItem'] },
  getActorMovies: { [ACTORS]: ['GetItem'], [MOVIES]: ['BatchGetItem'] },
  // GetItem: an Idempotency-Key replay. Put record, name claim, words and key claim (no counter: the stream consumer keeps it).
  createActor: { [ACTORS]: ['GetItem', 'PutItem'] },
  // A rename moves the name claim and words (Put + Delete) besides updating the record.
  updateActor: { [ACTORS]: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
  // Also takes the actor out of each of their movies' casts.
  // PutItem: the copy kept for 30 days.
  deleteActor: { [ACTORS]: ['GetItem', 'PutItem', 'DeleteItem'], [MOVIES]: ['UpdateItem'] },
  listDeletedActors: { [ACTORS_GSI1]: ['Query'] },
  // GetItem the kept copy and a key claim; Put the record, claims, words; Delete the kept copy.
  restoreActor: { [ACTORS]: ['GetItem', 'PutItem', 'DeleteItem'], [MOVIES]: ['BatchGetItem', 'UpdateItem'] },
  getMovie: { [MOVIES]: ['GetItem'] },
  listMovies: { [MOVIES_GSI1]: ['Query'], [MOVIES]: ['GetItem', 'BatchGetItem'] },
  // Reads the actors joining the cast and adds the movie to their movie_ids.
  createMovie: { [MOVIES]: ['GetItem', 'PutItem'], [ACTORS]: ['BatchGetItem', 'UpdateItem'] },
  updateMovie: { [MOVIES]: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], [ACTORS]: ['BatchGetItem', 'UpdateItem'] },
  deleteMovie: { [MOVIES]: ['GetItem', 'PutItem', 'DeleteItem'], [ACTORS]: ['UpdateItem'] },
  listDeletedMovies: { [MOVIES_GSI1]: ['Query'] },
  restoreMovie: { [MOVIES]: ['GetItem', 'PutItem', 'DeleteItem'], [ACTORS]: ['BatchGetItem', 'UpdateItem'] },
  getMovieCast: { [MOVIES]: ['GetItem'], [ACTORS]: ['BatchGetItem'] },
  addMovieActor: { [MOVIES]: ['GetItem', 'UpdateItem'], [ACTORS]: ['GetItem', 'UpdateItem'] },
  removeMovieActor: { [MOVIES]: ['GetItem', 'UpdateItem'], [ACTORS]: ['UpdateItem'] },
  // The stream consumer: ADD to the counter, Put SEEN items, BatchGetItem them after a redelivery (only those keys:
  // see the LeadingKeys test); its event source mappings read both streams.
  countRecords: {
    [ACTORS]: ['UpdateItem', 'PutItem', 'BatchGetItem'],
    [MOVIES]: ['UpdateItem', 'PutItem', 'BatchGetItem'],
    [ACTORS_STREAM]: STREAM_READ,
    [MOVIES_STREAM]: STREAM_READ,
  },
};

/** The DynamoDB operations the code sends, as DynamoDB's per-operation metrics name them (table alarms sum them). */
const DYNAMODB_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'TransactWriteItems'];

const WRITE_ACTIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'BatchWriteItem'];

/** Grants as sorted `Action on Resource` lines, easy to compare and to read in a failure. */
const grantLines = (grants: Grants): string[] =>
  Object.entries(grants)
    .flatMap(([resource, actions]) => actions.map((action) => `dynamodb:${action} on ${resource}`))
    .sort();

// ---------------------------------------------------------------------------------------------
// Packaging
// ---------------------------------------------------------------------------------------------

const ALLOWED_ORIGINS = ['https://app.example.com', 'https://admin.example.com'];
/** Set while packaging, as in a shell that just ran `npm run auth0:setup`: must end up nowhere. */
const SHELL_SECRET = 'shell-secret-value-8f3a1c9e';

interface Packaged {
  stage: string;
  outDir: string;
  template: any;
  text: string;
  /** The resolved service configuration Serverless packaged (serverless-state.json). */
  state: any;
}

const cleanups: string[] = [];

const packageStage = (stage: string, env: Record<string, string>): Promise<Packaged> => {
  const outDir = mkdtempSync(join(tmpdir(), `ensemble-cfn-${stage}-`));
  const workFolder = `.esbuild-cloudformation-test-${stage}-${process.pid}`;
  cleanups.push(outDir, resolve(workFolder));
  // The suite's own settings (local mode, DynamoDB Local, its SILENT log level, the developer's shell) stay out.
  const {
    AUTH0_DOMAIN: _domain,
    API_AUDIENCE: _audience,
    ALLOWED_ORIGINS: _origins,
    LOG_LEVEL: _level,
    ALARM_EMAIL: _email,
    EDGE: _edge,
    EDGE_ORIGIN_KEYS: _edgeKeys,
    EDGE_WEB_ACL_ARN: _webAcl,
    ...inherited
  } = process.env;
  return new Promise((done, fail) => {
    const child = spawn(resolve('node_modules/.bin/serverless'), ['package', '--stage', stage, '--package', outDir], {
      env: { ...inherited, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ESBUILD_WORK_FOLDER: workFolder, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), 170_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        fail(new Error(`serverless package --stage ${stage} exited with ${String(code)}:\n${output}`));
        return;
      }
      const text = readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8');
      const state = JSON.parse(readFileSync(join(outDir, 'serverless-state.json'), 'utf8'));
      done({ stage, outDir, template: JSON.parse(text), text, state });
    });
  });
};

const ALARM_EMAIL = 'oncall@example.com';
/** The prod stage's edge keys (docs/deploying-and-operating.md#the-edge): CloudFront sends the first, the functions accept both. */
const EDGE_KEYS = ['e'.repeat(40), 'r'.repeat(36)];
const AUTH0 = { AUTH0_DOMAIN: 'tenant.eu.auth0.com', API_AUDIENCE: 'https://ensemble-api', CURSOR_KEYS: 'c'.repeat(32) };

let prod: Packaged;
let dev: Packaged;

beforeAll(async () => {
  // One after the other: every run stages its zips in the service's own .serverless/ folder. This is the suite's
  // only file that packages (deploy-guard.test.ts's runs are refused before they build or write anything).
  prod = await packageStage('prod', {
    ...AUTH0,
    ALLOWED_ORIGINS: ` ${ALLOWED_ORIGINS.join(' , ')} `,
    AUTH0_CLIENT_ID: 'shell-client-id',
    AUTH0_CLIENT_SECRET: SHELL_SECRET,
    ALARM_EMAIL: ALARM_EMAIL,
    // No EDGE: a kept stage has the edge unless told otherwise.
    EDGE_ORIGIN_KEYS: EDGE_KEYS.join(','),
  });
  dev = await packageStage('dev', AUTH0);
}, 600_000);

afterAll(() => {
  for (const path of cleanups) rmSync(path, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Reading the template
// ---------------------------------------------------------------------------------------------

const resourcesOfType = (template: any, type: string): [string, any][] =>
  Object.entries(template.Resources as Record<string, any>).filter(([, resource]) => resource.Type === type);

/** The function's key in serverless.yml, from its resource (`ensemble-prod-getActor` → `getActor`). */
const functionKey = (stage: string, fn: any): string => {
  const name: string = fn.Properties.FunctionName;
  expect(name.startsWith(`ensemble-${stage}-`)).toBe(true);
  return name.slice(`ensemble-${stage}-`.length);
};

const functionsOf = (packaged: Packaged): Map<string, { logicalId: string; resource: any }> =>
  new Map(
    resourcesOfType(packaged.template, 'AWS::Lambda::Function').map(([logicalId, resource]) => [
      functionKey(packaged.stage, resource),
      { logicalId, resource },
    ]),
  );

/** A table ARN as the policies write it, by logical id: `ActorsTable`, or `ActorsTable/index/gsi1`. */
const resourceName = (resource: unknown): string => {
  const value = resource as any;
  const getAtt = value?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt.length === 2 && getAtt[1] === 'Arn') return getAtt[0];
  if (Array.isArray(getAtt) && getAtt.length === 2 && getAtt[1] === 'StreamArn') return `${getAtt[0]}/stream`;
  const join = value?.['Fn::Join'];
  if (Array.isArray(join) && join[0] === '/' && Array.isArray(join[1])) return join[1].map(resourceName).join('/');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The names of the files in a zip archive, from its central directory. */
const zippedNames = (path: string): string[] => {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const names: string[] = [];
  let entry = zip.readUInt32LE(end + 16);
  for (let index = 0; index < zip.readUInt16LE(end + 10); index += 1) {
    const nameLength = zip.readUInt16LE(entry + 28);
    names.push(zip.subarray(entry + 46, entry + 46 + nameLength).toString('utf8'));
    entry += 46 + nameLength + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
  }
  return names;
};

/** The files of a zip archive as text (stored or deflated entries; enough for the packaged bundles). */
const readZippedFiles = (path: string): string[] => {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let entry = zip.readUInt32LE(end + 16);
  const files: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const method = zip.readUInt16LE(entry + 10);
    const size = zip.readUInt32LE(entry + 20);
    const local = zip.readUInt32LE(entry + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.push((method === 0 ? data : inflateRawSync(data)).toString('utf8'));
    entry += 46 + zip.readUInt16LE(entry + 28) + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
  }
  return files;
};

const statementsOf = (role: any): any[] => (role.Properties.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument.Statement);

/** The DynamoDB permissions of a role as `dynamodb:Action on Resource` lines. */
const dynamoGrantsOf = (role: any): string[] =>
  statementsOf(role)
    .filter((statement) => asList<string>(statement.Action).some((action) => action.startsWith('dynamodb:')))
    .flatMap((statement) =>
      asList<string>(statement.Action).flatMap((action) =>
        asList(statement.Resource).map((resource) => `${action} on ${resourceName(resource)}`),
      ),
    )
    .sort();

const roleOf = (packaged: Packaged, fn: any): { logicalId: string; role: any } => {
  const logicalId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const role = packaged.template.Resources[logicalId];
  expect(role?.Type).toBe('AWS::IAM::Role');
  return { logicalId, role };
};

// ---------------------------------------------------------------------------------------------
// The template
// ---------------------------------------------------------------------------------------------

describe('the packaged prod stage: IAM', () => {
  it('has exactly the functions of the permission table', () => {
    expect([...functionsOf(prod).keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('gives every function a role of its own, and no role any managed policy or boundary-less wildcard', () => {
    const roles = [...functionsOf(prod).values()].map(({ resource }) => roleOf(prod, resource));
    expect(new Set(roles.map(({ logicalId }) => logicalId)).size).toBe(roles.length);
    for (const { logicalId, role } of roles) {
      expect(logicalId).not.toBe('IamRoleLambdaExecution');
      expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
      for (const statement of statementsOf(role)) {
        expect(statement.Effect).toBe('Allow');
        expect(statement).not.toHaveProperty('NotAction');
        expect(statement).not.toHaveProperty('NotResource');
        for (const action of asList<string>(statement.Action)) expect(action).not.toContain('*');
      }
    }
    // The shared role Serverless compiles is dropped (lib/deploy/monitoring.cjs): no role is left unused.
    for (const packaged of [prod, dev]) {
      expect(packaged.template.Resources).not.toHaveProperty('IamRoleLambdaExecution');
      expect(resourcesOfType(packaged.template, 'AWS::IAM::Role')).toHaveLength(23);
    }
  });

  it.each(Object.entries(EXPECTED))('%s: allows exactly the expected actions on exactly the expected tables', (name, grants) => {
    const fn = functionsOf(prod).get(name)!;
    const { role } = roleOf(prod, fn.resource);
    expect(dynamoGrantsOf(role)).toEqual(grantLines(grants));
  });

  it('names tables and the gsi1 index only: no wildcard resources, no other index, no other service but logs and X-Ray (and the stream consumer its streams and dead-letter queue)', () => {
    for (const [name, { resource }] of functionsOf(prod)) {
      const { role } = roleOf(prod, resource);
      for (const statement of statementsOf(role)) {
        const actions = asList<string>(statement.Action);
        // X-Ray has no resource-level permissions: these two actions on `*` are what active tracing needs.
        if (actions.some((action) => action.startsWith('xray:'))) {
          expect(statement).toEqual({ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
          continue;
        }
        if (actions.every((action) => action.startsWith('logs:'))) {
          // Only the function's own log group.
          for (const arn of asList(statement.Resource)) {
            expect(JSON.stringify(arn)).toContain(`:log-group:/aws/lambda/ensemble-prod-${name}:`);
          }
          continue;
        }
        if (name === 'countRecords' && actions.every((action) => action.startsWith('sqs:'))) {
          expect(statement).toEqual({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['CountRecordsDeadLetterQueue', 'Arn'] } });
          continue;
        }
        expect(actions.every((action) => action.startsWith('dynamodb:'))).toBe(true);
        for (const arn of asList(statement.Resource)) {
          expect([ACTORS, MOVIES, ACTORS_GSI1, MOVIES_GSI1, ...(name === 'countRecords' ? [ACTORS_STREAM, MOVIES_STREAM] : [])]).toContain(resourceName(arn));
        }
      }
    }
  });

  it('keeps the read-only and the plain endpoints away from what they do not need', () => {
    const grants = (name: string) => dynamoGrantsOf(roleOf(prod, functionsOf(prod).get(name)!.resource).role);
    for (const name of ['health', 'openapi', 'docs', 'notFound']) expect(grants(name)).toEqual([]);
    for (const name of ['getActor', 'listActors', 'getMovie', 'listMovies', 'getMovieCast', 'getActorMovies']) {
      for (const line of grants(name)) for (const write of WRITE_ACTIONS) expect(line).not.toContain(`dynamodb:${write} `);
    }
    expect(grants('getActor')).toEqual(['dynamodb:GetItem on ActorsTable']);
    expect(grants('getActor').join()).not.toContain(MOVIES);
    expect(grants('getMovie').join()).not.toContain(ACTORS);
    // Scans are never needed: every list reads index gsi1.
    for (const name of Object.keys(EXPECTED)) expect(grants(name).join()).not.toContain('Scan');
  });

  it('lets the stream consumer write and read only the counters and SEEN items, never a record, claim or word', () => {
    const { role } = roleOf(prod, functionsOf(prod).get('countRecords')!.resource);
    const onTables = statementsOf(role).filter((statement) => asList(statement.Resource).some((arn) => [ACTORS, MOVIES].includes(resourceName(arn))));
    expect(onTables).toHaveLength(1);
    expect(onTables[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACTOR_COUNT', 'MOVIE_COUNT', 'SEEN#*'] } });
  });
});

describe('the packaged tables', () => {
  const tables = (packaged: Packaged) => resourcesOfType(packaged.template, 'AWS::DynamoDB::Table');

  it('are on-demand, with point-in-time recovery and a TTL on expires_at, on every stage', () => {
    for (const packaged of [prod, dev]) {
      expect(tables(packaged).map(([logicalId]) => logicalId).sort()).toEqual([ACTORS, MOVIES]);
      for (const [, table] of tables(packaged)) {
        expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
        expect(table.Properties).not.toHaveProperty('ProvisionedThroughput');
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
        // The keys of each change, for the consumer that keeps `total`.
        expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });
      }
    }
    expect(tables(prod).map(([, table]) => table.Properties.TableName).sort()).toEqual(['ensemble-prod-actors', 'ensemble-prod-movies']);
  });

  it('outside dev stages: deletion protection, kept when the stack is removed (unless its first deploy failed) or a table replaced', () => {
    for (const [, table] of tables(prod)) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      // A failed first deploy rolls back and deletes the (empty) tables it created, so the retry can create them again.
      expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('on a dev stage: deleted with the stack (`serverless remove` leaves nothing behind)', () => {
    for (const [, table] of tables(dev)) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.UpdateReplacePolicy).toBe('Delete');
    }
  });

  it('classifies stage names: only dev, test and ci (and their dash-suffixed variants) are disposable', () => {
    const { isDisposableStage } = createRequire(import.meta.url)('../../lib/deploy/tables.cjs') as {
      isDisposableStage: (stage: string) => boolean;
    };
    for (const stage of ['dev', 'test', 'ci', 'dev-alice', 'test-42', 'ci-pr-17', 'DEV']) expect(isDisposableStage(stage)).toBe(true);
    for (const stage of ['prod', 'production', 'staging', 'demo', 'develop', 'devprod', 'testing', 'prod-dev', 'guardtest', '']) {
      expect(isDisposableStage(stage)).toBe(false);
    }
  });
});

describe('the packaged functions', () => {
  it('run nodejs22.x on arm64, each with a log group kept 30 days', () => {
    for (const packaged of [prod, dev]) {
      const logGroups = new Map(
        resourcesOfType(packaged.template, 'AWS::Logs::LogGroup').map(([, group]) => [group.Properties.LogGroupName, group]),
      );
      const functions = functionsOf(packaged);
      expect(functions.size).toBe(23);
      for (const [, { resource }] of functions) {
        expect(resource.Properties.Runtime).toBe('nodejs22.x');
        expect(resource.Properties.Architectures).toEqual(['arm64']);
        const group = logGroups.get(`/aws/lambda/${resource.Properties.FunctionName}`);
        expect(group?.Properties.RetentionInDays).toBe(30);
      }
    }
  });

  it('carry no secrets in their environment but their cursor keys', () => {
    for (const [, { resource }] of functionsOf(prod)) {
      const variables: Record<string, string> = resource.Properties.Environment.Variables;
      // Local-mode settings (DynamoDB Local, the local signing keys) never reach a deployed function.
      expect(variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
      expect(variables).not.toHaveProperty('ENSEMBLE_KEYS_DIR');
      // The secrets a function needs: the stage's own cursor keys and edge keys, given at deploy (never the built-in cursor key).
      const { CURSOR_KEYS: cursorKeys, EDGE_ORIGIN_KEYS: edgeKeys, ...others } = variables;
      expect(cursorKeys).toBe(AUTH0.CURSOR_KEYS);
      expect(edgeKeys).toBe(EDGE_KEYS.join(','));
      for (const [name, value] of Object.entries(others)) {
        expect(name).not.toMatch(/SECRET|PASSWORD|PASSWD|PRIVATE|TOKEN|CREDENTIAL|CLIENT_ID|(^|_)KEY(S|_|$)/i);
        expect(value).not.toMatch(/-----BEGIN|PRIVATE KEY|AKIA[0-9A-Z]{16}|eyJ[\w-]+\.eyJ/);
      }
      expect(variables).toMatchObject({ ...AUTH0, ACTORS_TABLE: 'ensemble-prod-actors', MOVIES_TABLE: 'ensemble-prod-movies' });
    }
    // Whatever the deploying shell holds stays there.
    expect(prod.text).not.toContain(SHELL_SECRET);
    expect(prod.text).not.toContain('shell-client-id');
  });
});

describe('the packaged HTTP API', () => {
  const api = (packaged: Packaged) => {
    const apis = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Api');
    expect(apis).toHaveLength(1);
    return apis[0]![1];
  };

  /**
   * Each route's own bucket, [steady requests/s, burst] (docs/deploying-and-operating.md#throttles): reads well below what 25
   * instances serve, writes below what 10 do, the public documents and the catch-all far lower.
   */
  const READ = [50, 100];
  const WRITE = [10, 20];
  const ROUTE_LIMITS: Record<string, number[]> = {
    'GET /api/v1/health': [5, 10],
    'GET /api/v1/openapi.json': [2, 5],
    'GET /api/v1/docs': [1, 3],
    'GET /api/v1/actors': READ,
    'GET /api/v1/actors/{id}': READ,
    'GET /api/v1/actors/{id}/movies': READ,
    'GET /api/v1/movies': READ,
    'GET /api/v1/movies/{id}': READ,
    'GET /api/v1/movies/{id}/actors': READ,
    'POST /api/v1/actors': WRITE,
    'PATCH /api/v1/actors/{id}': WRITE,
    'DELETE /api/v1/actors/{id}': WRITE,
    'POST /api/v1/movies': WRITE,
    'PATCH /api/v1/movies/{id}': WRITE,
    'DELETE /api/v1/movies/{id}': WRITE,
    'PUT /api/v1/movies/{id}/actors/{actor_id}': WRITE,
    'DELETE /api/v1/movies/{id}/actors/{actor_id}': WRITE,
    // Deleted records: listed and restored now and then, by a few staff members.
    'GET /api/v1/actors/deleted': [10, 20],
    'GET /api/v1/movies/deleted': [10, 20],
    'POST /api/v1/actors/{id}/restore': [5, 10],
    'POST /api/v1/movies/{id}/restore': [5, 10],
    $default: [5, 10],
  };

  it('throttles each route of its one stage with its own numbers: the documents far below reads, writes below reads', () => {
    for (const packaged of [prod, dev]) {
      const stages = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Stage');
      expect(stages).toHaveLength(1);
      const [, stage] = stages[0]!;
      expect(stage.Properties.StageName).toBe('$default');
      const settings = Object.fromEntries(
        Object.entries(stage.Properties.RouteSettings as Record<string, any>).map(([key, value]) => [
          key,
          [value.ThrottlingRateLimit, value.ThrottlingBurstLimit],
        ]),
      );
      expect(settings).toEqual(ROUTE_LIMITS);
      // A route without a row would get the default: the strictest of all.
      expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 1, ThrottlingBurstLimit: 3 });
    }
  });

  it('has a row for exactly the routes the API has, and creates the stage after them (API Gateway refuses settings for a route it does not know yet)', () => {
    for (const packaged of [prod, dev]) {
      const routes = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Route');
      expect(routes.map(([, route]) => route.Properties.RouteKey).sort()).toEqual(Object.keys(ROUTE_LIMITS).sort());
      const [, stage] = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Stage')[0]!;
      expect([stage.DependsOn ?? []].flat()).toEqual(expect.arrayContaining(routes.map(([logicalId]) => logicalId)));
    }
  });

  it('answers CORS for exactly ALLOWED_ORIGINS, never with credentials', () => {
    const cors = api(prod).Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(ALLOWED_ORIGINS);
    // Omitted means false to API Gateway; Serverless writes the key only when it is true.
    expect(cors.AllowCredentials ?? false).toBe(false);
    expect(cors.AllowHeaders).toEqual(expect.arrayContaining(['Authorization', 'Content-Type']));
  });

  it('sends no CORS headers at all when ALLOWED_ORIGINS is unset', () => {
    expect(api(dev).Properties).not.toHaveProperty('CorsConfiguration');
  });
});


describe('the packaged functions: tracing, concurrency, versions', () => {
  // Reserved concurrency by kind: what one function may take of the account's Lambda concurrency.
  const CONCURRENCY: Record<string, number> = {
    health: 5,
    openapi: 5,
    docs: 5,
    notFound: 5,
    listActors: 25,
    getActor: 25,
    listMovies: 25,
    getMovie: 25,
    getMovieCast: 25,
    getActorMovies: 25,
    createActor: 10,
    updateActor: 10,
    deleteActor: 10,
    createMovie: 10,
    updateMovie: 10,
    deleteMovie: 10,
    addMovieActor: 10,
    removeMovieActor: 10,
    countRecords: 4,
    listDeletedActors: 5,
    listDeletedMovies: 5,
    restoreActor: 5,
    restoreMovie: 5,
  };

  it('trace actively, and every role may send the traces (Lambda refuses active tracing otherwise)', () => {
    for (const packaged of [prod, dev]) {
      for (const [, { resource }] of functionsOf(packaged)) {
        expect(resource.Properties.TracingConfig).toEqual({ Mode: 'Active' });
        const xray = statementsOf(roleOf(packaged, resource).role).filter((statement) =>
          asList<string>(statement.Action).some((action) => action.startsWith('xray:')),
        );
        expect(xray).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
      }
    }
  });

  it('each have a reserved concurrency, 274 in all', () => {
    for (const packaged of [prod, dev]) {
      const reserved = Object.fromEntries(
        [...functionsOf(packaged)].map(([name, { resource }]) => [name, resource.Properties.ReservedConcurrentExecutions]),
      );
      expect(reserved).toEqual(CONCURRENCY);
    }
    expect(Object.values(CONCURRENCY).reduce((sum, value) => sum + value, 0)).toBe(274);
  });

  it('ship one bundle and no source map, and do not ask Node for one; docs alone also ships Swagger UI\'s two files; log at INFO', () => {
    const swaggerUi = ['node_modules/swagger-ui-dist/swagger-ui-bundle.js', 'node_modules/swagger-ui-dist/swagger-ui.css'];
    for (const packaged of [prod, dev]) {
      for (const [name, { resource }] of functionsOf(packaged)) {
        expect(resource.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
        expect(zippedNames(join(packaged.outDir, `${name}.zip`)).sort()).toEqual(
          name === 'docs' ? ['functions/docs.mjs', ...swaggerUi] : [expect.stringMatching(/^functions\/[\w/-]+\.mjs$/)],
        );
        // The logger's levels are INFO, WARN and ERROR: there is no DEBUG to turn on for disposable stages.
        expect(resource.Properties.Environment.Variables.LOG_LEVEL).toBe('INFO');
        expect(resource.Properties.Environment.Variables.METRICS_NAMESPACE).toBe(`ensemble-${packaged.stage}`);
      }
    }
  });

  it('publish a retained version per deploy, and prune to the newest 3 after it: `serverless rollback function` has versions to go back to', () => {
    for (const packaged of [prod, dev]) {
      const versions = resourcesOfType(packaged.template, 'AWS::Lambda::Version');
      expect(versions.map(([, version]) => version.Properties.FunctionName.Ref).sort()).toEqual(
        [...functionsOf(packaged).values()].map(({ logicalId }) => logicalId).sort(),
      );
      for (const [, version] of versions) expect(version.DeletionPolicy).toBe('Retain');
      expect(packaged.state.service.plugins).toContain('serverless-prune-plugin');
      expect(packaged.state.service.custom.prune).toEqual({ automatic: true, number: 3 });
    }
  });

  it('keep each deploy\'s artifacts under a timestamped key: what `serverless deploy list` and `serverless rollback --timestamp` read', () => {
    for (const [name, { resource }] of functionsOf(prod)) {
      expect(resource.Properties.Code.S3Key).toMatch(new RegExp(`^serverless/ensemble/prod/\\d{13}-\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z/${name}\\.zip$`));
      expect(resource.Properties.Code.S3Bucket).toEqual({ Ref: 'ServerlessDeploymentBucket' });
    }
    // Serverless keeps the last 5 deployments unless told otherwise; nothing here lowers that.
    expect(prod.state.service.provider.deploymentBucket?.maxPreviousDeploymentArtifacts).toBeUndefined();
  });
});

describe('the packaged HTTP API access log', () => {
  it('writes one JSON line per request to its own log group, kept 30 days, with no header or token in it', () => {
    for (const packaged of [prod, dev]) {
      const [, stage] = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Stage')[0]!;
      const settings = stage.Properties.AccessLogSettings;
      expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
      expect(packaged.template.Resources.HttpApiLogGroup.Properties).toEqual({
        LogGroupName: `/aws/http-api/ensemble-${packaged.stage}`,
        RetentionInDays: 30,
      });
      expect(JSON.parse(settings.Format)).toEqual({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        httpMethod: '$context.httpMethod',
        routeKey: '$context.routeKey',
        path: '$context.path',
        status: '$context.status',
        protocol: '$context.protocol',
        responseLength: '$context.responseLength',
        responseLatency: '$context.responseLatency',
        integrationLatency: '$context.integrationLatency',
        integrationStatus: '$context.integrationStatus',
        integrationError: '$context.integrationErrorMessage',
        lambdaRequestId: '$context.integration.requestId',
        userAgent: '$context.identity.userAgent',
      });
    }
  });
});

describe('the packaged alarms and dashboard', () => {
  const alarms = (packaged: Packaged) => new Map(resourcesOfType(packaged.template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => [alarm.Properties.AlarmName, alarm.Properties]));
  const TOPIC = { Ref: 'AlarmTopic' };

  it('on a kept stage: an alarm topic, with the ALARM_EMAIL subscribed', () => {
    expect(prod.template.Resources.AlarmTopic).toEqual({ Type: 'AWS::SNS::Topic', Properties: { TopicName: 'ensemble-prod-alarms' } });
    expect(resourcesOfType(prod.template, 'AWS::SNS::Subscription').map(([, subscription]) => subscription.Properties)).toEqual([
      { TopicArn: TOPIC, Protocol: 'email', Endpoint: ALARM_EMAIL },
    ]);
  });

  it('on a kept stage: exactly these alarms, each notifying the topic', () => {
    const perFunction = Object.keys(EXPECTED).flatMap((name) => [`ensemble-prod-${name}-LoggedErrors`, `ensemble-prod-${name}-Throttles`]);
    const perTable = ['actors', 'movies'].flatMap((table) =>
      ['throttled-requests', 'system-errors', 'transaction-conflicts'].map((what) => `ensemble-prod-${table}-table-${what}`),
    );
    const streamConsumer = ['ensemble-prod-countRecords-Errors', 'ensemble-prod-countRecords-IteratorAge', 'ensemble-prod-count-records-dead-letter-queue-messages'];
    expect([...alarms(prod).keys()].sort()).toEqual(
      ['ensemble-prod-api-5xx-rate', 'ensemble-prod-api-p99-latency', ...perFunction, ...perTable, ...streamConsumer].sort(),
    );
    for (const [, alarm] of alarms(prod)) {
      expect(alarm.AlarmActions).toEqual([TOPIC]);
      expect(alarm.OKActions).toEqual([TOPIC]);
      expect(alarm.ActionsEnabled ?? true).toBe(true);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('alarms on the share of 5xx answers and on p99 latency of the HTTP API', () => {
    const api = [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }];
    const rate = alarms(prod).get('ensemble-prod-api-5xx-rate')!;
    expect(rate.Metrics).toEqual([
      { Id: 'errors', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: api }, Period: 60, Stat: 'Sum' } },
      { Id: 'requests', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: api }, Period: 60, Stat: 'Sum' } },
      { Id: 'rate', Label: '5xx responses (%)', Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true },
    ]);
    expect(rate).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 5, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    expect(alarms(prod).get('ensemble-prod-api-p99-latency')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      Dimensions: api,
      ExtendedStatistic: 'p99',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 2500,
    });
  });

  it('per function: an alarm on ERROR lines in its log group (Lambda\'s Errors metric stays 0, every failure is answered) and one on throttles', async () => {
    const filters = resourcesOfType(prod.template, 'AWS::Logs::MetricFilter').map(([, filter]) => filter);
    // The filter must match what lib/log.ts writes for a failed request (at a deployed stage's level).
    const saved = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'INFO';
    const variant = 'INFO-alarms'; // in a variable, so TypeScript does not try to resolve the query-string specifier
    const { logger } = (await import(`../../lib/log?level=${variant}`)) as typeof import('../../lib/log');
    process.env.LOG_LEVEL = saved;
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => lines.push(String(chunk)) > 0;
    try {
      logger.error('Request failed', { request_id: 'r-1', status: 500 });
    } finally {
      process.stdout.write = write;
    }
    for (const [name, { logicalId, resource }] of functionsOf(prod)) {
      const errors = alarms(prod).get(`ensemble-prod-${name}-LoggedErrors`)!;
      expect(errors).toMatchObject({ Namespace: 'ensemble-prod', Statistic: 'Sum', Period: 60, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      const counting = filters.filter((filter) => filter.Properties.MetricTransformations[0].MetricName === errors.MetricName);
      expect(counting.map((filter) => [filter.Properties.LogGroupName, filter.Properties.FilterPattern, filter.Properties.MetricTransformations[0].MetricValue])).toEqual(
        expect.arrayContaining([[`/aws/lambda/${resource.Properties.FunctionName}`, '{ $.level = "ERROR" }', 1]]),
      );
      expect(alarms(prod).get(`ensemble-prod-${name}-Throttles`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId } }],
        Threshold: 1,
      });
    }
    expect(lines.map((line) => JSON.parse(line).level)).toEqual(['ERROR']);
  });

  it('on the stream consumer: its errors, how far behind the streams it is, and anything in its dead-letter queue', () => {
    const { logicalId } = functionsOf(prod).get('countRecords')!;
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: logicalId } }];
    expect(alarms(prod).get('ensemble-prod-countRecords-Errors')).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: dimensions, Threshold: 1 });
    expect(alarms(prod).get('ensemble-prod-countRecords-IteratorAge')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: dimensions,
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 60000,
    });
    expect(alarms(prod).get('ensemble-prod-count-records-dead-letter-queue-messages')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['CountRecordsDeadLetterQueue', 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('on both stages: the consumer reads both streams, filtered to record inserts and removals, bisecting, retrying 10 times, then to the queue', () => {
    for (const packaged of [prod, dev]) {
      const mappings = resourcesOfType(packaged.template, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
      expect(mappings.map((mapping) => mapping.EventSourceArn)).toEqual([
        { 'Fn::GetAtt': ['ActorsTable', 'StreamArn'] },
        { 'Fn::GetAtt': ['MoviesTable', 'StreamArn'] },
      ]);
      for (const [index, mapping] of mappings.entries()) {
        expect(mapping).toMatchObject({
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 100,
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: 10,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['CountRecordsDeadLetterQueue', 'Arn'] } } },
        });
        const prefix = index === 0 ? 'ACTOR#' : 'MOVIE#';
        expect(mapping.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern))).toEqual([
          { eventName: ['INSERT', 'REMOVE'], dynamodb: { Keys: { pk: { S: [{ prefix }] } } } },
        ]);
      }
      expect(packaged.template.Resources.CountRecordsDeadLetterQueue.Properties).toMatchObject({ MessageRetentionPeriod: 1209600 });
    }
  });

  it('per table: throttled requests and system errors of every operation the code sends, and transaction conflicts', () => {
    for (const [table, name] of [['actors', 'ensemble-prod-actors'], ['movies', 'ensemble-prod-movies']] as const) {
      for (const metric of ['ThrottledRequests', 'SystemErrors']) {
        const alarm = alarms(prod).get(`ensemble-prod-${table}-table-${metric === 'ThrottledRequests' ? 'throttled-requests' : 'system-errors'}`)!;
        const summed = alarm.Metrics.filter((entry: any) => entry.MetricStat);
        for (const entry of summed) expect(entry.MetricStat.Metric).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: metric });
        expect(summed.map((entry: any) => entry.MetricStat.Metric.Dimensions)).toEqual(
          DYNAMODB_OPERATIONS.map((operation) => [
            { Name: 'TableName', Value: name },
            { Name: 'Operation', Value: operation },
          ]),
        );
        expect(alarm.Metrics.at(-1)).toMatchObject({ Expression: 'FILL(op0, 0) + FILL(op1, 0) + FILL(op2, 0) + FILL(op3, 0)', ReturnData: true });
        expect(alarm.Threshold).toBe(1);
      }
      expect(alarms(prod).get(`ensemble-prod-${table}-table-transaction-conflicts`)).toMatchObject({
        Namespace: 'AWS/DynamoDB',
        MetricName: 'TransactionConflict',
        Dimensions: [{ Name: 'TableName', Value: name }],
        Threshold: 50,
      });
    }
  });

  it('one dashboard for the API, every function and both tables', () => {
    const dashboards = resourcesOfType(prod.template, 'AWS::CloudWatch::Dashboard').map(([, dashboard]) => dashboard.Properties);
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].DashboardName).toBe('ensemble-prod');
    const body = dashboards[0].DashboardBody['Fn::Sub'] as string;
    expect([...new Set(body.match(/\$\{[^}]*\}/g))].sort()).toEqual(['${AWS::Region}', '${HttpApi}']);
    const widgets = JSON.parse(body).widgets;
    expect(widgets.map((widget: any) => widget.properties.title)).toEqual([
      'API: requests and errors',
      'API: latency (ms)',
      'Functions: invocations',
      'Functions: logged errors (ERROR lines)',
      'Functions: duration p99 (ms)',
      'Functions: throttles and concurrency',
      'Tables: consumed capacity',
      'Tables: throttles, conflicts',
      'Application metrics (embedded metric format)',
    ]);
    for (const name of Object.keys(EXPECTED)) expect(body).toContain(`"ensemble-prod-${name}"`);
    for (const table of ['ensemble-prod-actors', 'ensemble-prod-movies']) expect(body).toContain(`"${table}"`);
    const loggedErrors = widgets[3].properties.metrics.map((metric: any[]) => metric[1]).sort();
    expect(loggedErrors).toEqual(Object.keys(EXPECTED).map((name) => alarms(prod).get(`ensemble-prod-${name}-LoggedErrors`)!.MetricName).sort());
    expect(loggedErrors).toContain('LoggedErrorsGetActorLambdaFunction');
  });

  it('on a dev stage: no alarms, no topic, no dashboard, no metric filters', () => {
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::CloudWatch::Dashboard', 'AWS::Logs::MetricFilter']) {
      expect(resourcesOfType(dev.template, type)).toEqual([]);
    }
  });
});

describe('the packaged templates against the CloudFormation resource specification', () => {
  const spec = loadSpec();

  it('use only resource types, properties and attributes that exist, with values of the right shape', () => {
    expect(specProblems(prod.template, spec)).toEqual([]);
    expect(specProblems(dev.template, spec)).toEqual([]);
  });

  it('would catch a misspelt property, a wrong value, a dangling reference and an unknown policy', () => {
    const broken = JSON.parse(prod.text);
    const table = broken.Resources.ActorsTable;
    table.Properties.PointInTimeRecoverySpecifcation = table.Properties.PointInTimeRecoverySpecification;
    delete table.Properties.PointInTimeRecoverySpecification;
    table.UpdateReplacePolicy = 'RetainExceptOnCreate';
    broken.Resources.GetActorLambdaFunction.Properties.TracingConfig = { Mod: 'Active' };
    broken.Resources.ApiLatencyAlarm.Properties.Threshold = 'high';
    broken.Resources.HttpApiStage.Properties.AccessLogSettings.DestinationArn = { 'Fn::GetAtt': ['HttpApiLogGroup', 'Arm'] };
    broken.Resources.OperationsDashboard.Properties.DashboardBody['Fn::Sub'] += '${HttpAPI}';
    expect(specProblems(broken, spec).sort()).toEqual(
      [
        'ActorsTable.Properties.PointInTimeRecoverySpecifcation: no such property',
        'ActorsTable.UpdateReplacePolicy: RetainExceptOnCreate is not an update-replace policy',
        'GetActorLambdaFunction.Properties.TracingConfig.Mod: no such property',
        'ApiLatencyAlarm.Properties.Threshold: expected a number, got a string',
        'HttpApiStage.Properties.AccessLogSettings.DestinationArn: AWS::Logs::LogGroup has no attribute Arm',
        'OperationsDashboard.Properties.DashboardBody: refers to HttpAPI, which the template does not have',
      ].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The code needs no more than the roles allow
// ---------------------------------------------------------------------------------------------

type Handler = Parameters<typeof invoke>[0];

/** The functions with data access, run in-process; the others are checked on their bundles. */
const HANDLERS: Record<string, Handler> = {
  listActors,
  createActor,
  getActor,
  updateActor,
  deleteActor,
  listMovies,
  createMovie,
  getMovie,
  updateMovie,
  deleteMovie,
  getMovieCast,
  getActorMovies,
  addMovieActor,
  removeMovieActor,
  listDeletedActors,
  listDeletedMovies,
  restoreActor,
  restoreMovie,
};

/** The IAM permissions one DynamoDB request needs, as `dynamodb:Action on Resource` lines. */
const requiredPermissions = (command: string, input: any): string[] => {
  const logicalIds: Record<string, string> = { [process.env.ACTORS_TABLE!]: ACTORS, [process.env.MOVIES_TABLE!]: MOVIES };
  const table = (name: string) => logicalIds[name] ?? `unknown table ${name}`;
  const action = command.replace(/Command$/, '');
  switch (action) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems).map((name) => `dynamodb:${action} on ${table(name)}`);
    case 'TransactWriteItems':
      // IAM checks each item of a transaction as the single-item action it is.
      return input.TransactItems.map((item: any) => {
        const [kind, write] = Object.entries(item)[0] as [string, any];
        const itemAction = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind];
        return `dynamodb:${itemAction ?? kind} on ${table(write.TableName)}`;
      });
    case 'TransactGetItems':
      return input.TransactItems.map((item: any) => `dynamodb:GetItem on ${table(item.Get.TableName)}`);
    default:
      return [
        `dynamodb:${action} on ${table(input.TableName)}${input.IndexName === undefined ? '' : `/index/${input.IndexName}`}`,
      ];
  }
};

/** A list function instance reuses a `total` it read for a second. */
const pauseOverTotalCache = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('the code of each function, run through all its data paths', () => {
  const observed = new Map<string, Set<string>>([...Object.keys(HANDLERS), 'countRecords'].map((name) => [name, new Set()]));
  const operations = new Set<string>();
  /** The keys the stream consumer wrote or read: its role's LeadingKeys condition must allow each. */
  const consumerKeys = new Set<string>();
  let running: string | undefined;
  let token: string;

  const call = async (name: string, request: InvokeRequest = {}) => {
    running = name;
    try {
      const result = await invoke(HANDLERS[name]!, { token, ...request });
      expect(result.status).toBeLessThan(300);
      return result.body;
    } finally {
      running = undefined;
    }
  };

  beforeAll(async () => {
    token = await roleToken('executive-producer');
    store().db.middlewareStack.add(
      (next, context) => async (args) => {
        const permissions = requiredPermissions(context.commandName ?? 'unknown', args.input);
        if (running === undefined) throw new Error(`DynamoDB request outside a handler: ${permissions.join(', ')}`);
        operations.add((context.commandName ?? 'unknown').replace(/Command$/, ''));
        for (const permission of permissions) observed.get(running)!.add(permission);
        if (running === 'countRecords') for (const key of JSON.stringify(args.input).match(/"pk":"[^"]*"/g) ?? []) consumerKeys.add(JSON.parse(`{${key}}`).pk);
        return next(args);
      },
      { step: 'initialize', name: 'recordIamPermissions' },
    );
  });

  afterAll(() => {
    store().db.middlewareStack.remove('recordIamPermissions');
  });

  it('covers every function of the template that may use DynamoDB', () => {
    const withGrants = Object.entries(EXPECTED).filter(([, grants]) => Object.keys(grants).length > 0);
    expect([...Object.keys(HANDLERS), 'countRecords'].sort()).toEqual(withGrants.map(([name]) => name).sort());
  });

  it('leaves the DynamoDB client out of the bundles of the functions granted no DynamoDB access', () => {
    for (const [name, { resource }] of functionsOf(prod)) {
      const bundle = readZippedFiles(join(prod.outDir, `${name}.zip`)).join('\n');
      expect(resource.Properties.Code.S3Key).toMatch(new RegExp(`/${name}\\.zip$`));
      expect(bundle.length).toBeGreaterThan(1000);
      // The SDK's wire protocol names the service so; the word DynamoDB alone is in the OpenAPI document's prose.
      expect(/DynamoDB_20120810/.test(bundle)).toBe(Object.keys(EXPECTED[name]!).length > 0);
    }
  });

  it('needs exactly the permissions its packaged role grants', async () => {
    // Actors: created plainly and with an Idempotency-Key (replayed once), read, listed, searched, renamed.
    const first = uniqueName('Iam First');
    const a1 = (await call('createActor', { method: 'POST', body: { name: first, gender: 'female', birth_date: '1980-01-02' } })).actor;
    const key = { 'idempotency-key': `iam-${a1.id}` };
    const a2Body = { name: uniqueName('Iam Second'), gender: 'male', birth_date: '1990-03-04' };
    const a2 = (await call('createActor', { method: 'POST', body: a2Body, headers: key })).actor;
    expect((await call('createActor', { method: 'POST', body: a2Body, headers: key })).actor.id).toBe(a2.id);
    await call('getActor', { pathParameters: { id: a1.id } });
    // Lists read an index, which shows a write a moment later (docs/design-and-limits.md#where-the-local-stack-differs-from-aws-and-what-closes-the-gap): wait until it shows both actors.
    await eventually(
      () => call('listActors'),
      (page) => [a1.id, a2.id].every((id) => page.actors.some((actor: any) => actor.id === id)),
    );
    const firstPage = await call('listActors', { query: { limit: '1' } });
    expect(firstPage.next_cursor).toEqual(expect.any(String));
    // A later page reads `total` with a GetItem once the instance's copy is over a second old (docs/design-and-limits.md#what-total-is).
    await pauseOverTotalCache();
    await call('listActors', { query: { limit: '1', cursor: firstPage.next_cursor } });
    await call('listActors', { query: { gender: 'female', min_age: '18' } });
    const found = await call('listActors', { query: { q: first.split(' ').at(-1)! } });
    expect(found.actors.map((actor: any) => actor.id)).toEqual([a1.id]);
    await call('updateActor', { method: 'PATCH', pathParameters: { id: a1.id }, body: { name: uniqueName('Iam Renamed') } });

    // Movies: created with a cast (and replayed), read, listed, searched, recast, renamed; cast edited one by one.
    const title = uniqueName('Iam Movie');
    const movieBody = { title, release_date: '2001-09-14', actor_ids: [a1.id] };
    const movieKey = { 'idempotency-key': `iam-movie-${a1.id}` };
    const m1 = (await call('createMovie', { method: 'POST', body: movieBody, headers: movieKey })).movie;
    expect((await call('createMovie', { method: 'POST', body: movieBody, headers: movieKey })).movie.id).toBe(m1.id);
    await call('getMovie', { pathParameters: { id: m1.id } });
    await call('getMovieCast', { pathParameters: { id: m1.id } });
    await call('getActorMovies', { pathParameters: { id: a1.id } });
    await call('listActors', { query: { not_in_movie: m1.id } });
    await call('listMovies');
    await call('listMovies', { query: { released_after: '2000-01-01' } });
    const movies = await eventually(
      () => call('listMovies', { query: { q: title.split(' ').at(-1)! } }),
      (page) => page.movies.length > 0,
    );
    expect(movies.movies.map((movie: any) => movie.id)).toEqual([m1.id]);
    await call('updateMovie', {
      method: 'PATCH',
      pathParameters: { id: m1.id },
      body: { title: uniqueName('Iam Retitled'), actor_ids: [a2.id] },
    });
    await call('addMovieActor', { method: 'PUT', pathParameters: { id: m1.id, actor_id: a1.id } });
    await call('removeMovieActor', { method: 'DELETE', pathParameters: { id: m1.id, actor_id: a1.id } });

    // Deletes that unlink the other side: an actor still cast in m1, a movie with a cast.
    const m2 = (await call('createMovie', { method: 'POST', body: { title: uniqueName('Iam Doomed'), release_date: '2002-02-02', actor_ids: [a1.id] } })).movie;
    // Two movies: a later page of them, read past the instance's copy of `total`.
    const moviesFirstPage = await eventually(
      () => call('listMovies', { query: { limit: '1' } }),
      (page) => page.next_cursor !== null,
    );
    await pauseOverTotalCache();
    await call('listMovies', { query: { limit: '1', cursor: moviesFirstPage.next_cursor } });
    await call('deleteActor', { method: 'DELETE', pathParameters: { id: a2.id } });
    await call('deleteMovie', { method: 'DELETE', pathParameters: { id: m2.id } });
    await call('deleteActor', { method: 'DELETE', pathParameters: { id: a1.id } });
    await call('deleteMovie', { method: 'DELETE', pathParameters: { id: m1.id } });

    // Deleted records listed (two pages) and restored with their links, once with an Idempotency-Key (replayed).
    const deletedActors = await call('listDeletedActors', { query: { limit: '1' } });
    await call('listDeletedActors', { query: { limit: '1', cursor: deletedActors.next_cursor } });
    await call('listDeletedMovies');
    // m1 (no cast left when deleted), then a2 back into m1's cast; a1 (no movies left), then m2 with a1 in its cast.
    await call('restoreMovie', { method: 'POST', pathParameters: { id: m1.id } });
    expect((await call('restoreActor', { method: 'POST', pathParameters: { id: a2.id } })).actor.movie_ids).toEqual([m1.id]);
    await call('restoreActor', { method: 'POST', pathParameters: { id: a1.id } });
    const restoreKey = { 'idempotency-key': `iam-restore-${m2.id}` };
    expect((await call('restoreMovie', { method: 'POST', pathParameters: { id: m2.id }, headers: restoreKey })).movie.actor_ids).toEqual([a1.id]);
    expect((await call('restoreMovie', { method: 'POST', pathParameters: { id: m2.id }, headers: restoreKey })).movie.id).toBe(m2.id);

    // The stream consumer, on a batch that comes twice (the second time it reads which events it saw); net 0, so no count moves.
    const arn = (table: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${table}/stream/2026-12-03T00:00:00.000`;
    const streamEvent = {
      Records: [
        ['INSERT', 'ACTOR#', process.env.ACTORS_TABLE!],
        ['REMOVE', 'ACTOR#', process.env.ACTORS_TABLE!],
        ['INSERT', 'MOVIE#', process.env.MOVIES_TABLE!],
        ['REMOVE', 'MOVIE#', process.env.MOVIES_TABLE!],
      ].map(([eventName, prefix, table], index) => ({
        eventID: `iam-${a1.id}-${index}`,
        eventName,
        eventSourceARN: arn(table!),
        dynamodb: { Keys: { pk: { S: `${prefix!}iam-${a1.id}` } } },
      })),
    } as Parameters<typeof countRecords>[0];
    running = 'countRecords';
    try {
      await countRecords(streamEvent);
      await countRecords(streamEvent);
    } finally {
      running = undefined;
    }

    expect([...consumerKeys].filter((key) => !/^(ACTOR_COUNT|MOVIE_COUNT|SEEN#.*)$/.test(key))).toEqual([]);
    expect(consumerKeys.size).toBeGreaterThan(2);

    const functions = functionsOf(prod);
    const problems: string[] = [];
    for (const [name, permissions] of observed) {
      // The streams are read by Lambda's event source mapping with the role, not by the code.
      const granted = dynamoGrantsOf(roleOf(prod, functions.get(name)!.resource).role).filter((grant) => !grant.endsWith('/stream'));
      const needed = [...permissions].sort();
      for (const permission of needed) if (!granted.includes(permission)) problems.push(`${name} needs ${permission}, which its role lacks`);
      for (const permission of granted) if (!needed.includes(permission)) problems.push(`${name} is granted ${permission}, which it never used`);
    }
    expect(problems).toEqual([]);
  });

  it('sends exactly the operations the table alarms watch', () => {
    expect([...operations].sort()).toEqual([...DYNAMODB_OPERATIONS].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// The edge: CloudFront and WAF in front of the HTTP API on kept stages
// ---------------------------------------------------------------------------------------------

/** AWS's managed CloudFront policies, by id: caching off, and every viewer header but Host (Authorization included) to the origin. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('the packaged edge', () => {
  const only = (packaged: Packaged, type: string) => {
    const found = resourcesOfType(packaged.template, type);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('on a kept stage in us-east-1: a CloudFront distribution in front of the HTTP API, with the stage\'s own web ACL', () => {
    const [, distribution] = only(prod, 'AWS::CloudFront::Distribution');
    const [aclId] = only(prod, 'AWS::WAFv2::WebACL');
    const config = distribution.Properties.DistributionConfig;
    expect(config.Enabled).toBe(true);
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(config.Origins).toHaveLength(1);
    const [origin] = config.Origins;
    expect(origin.DomainName).toEqual({ 'Fn::Sub': '${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' });
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    // The edge key the functions check; the first of EDGE_ORIGIN_KEYS.
    expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: EDGE_KEYS[0] }]);
    expect(prod.template.Outputs.EdgeUrl.Value).toEqual({ 'Fn::Sub': 'https://${EdgeDistribution.DomainName}' });
    expect(prod.template.Outputs.EdgeWebAclArn.Value).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
  });

  it('caches nothing and forwards every method, the query string and the Authorization header, over HTTPS only', () => {
    const config = only(prod, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    const behavior = config.DefaultCacheBehavior;
    expect(behavior.TargetOriginId).toBe(config.Origins[0].Id);
    expect(behavior.CachePolicyId).toBe(CACHING_DISABLED);
    expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    expect(behavior.AllowedMethods.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    // No legacy cache settings, and no other behaviour that could cache a path.
    expect(behavior).not.toHaveProperty('ForwardedValues');
    expect(behavior).not.toHaveProperty('DefaultTTL');
    expect(config.CacheBehaviors ?? []).toEqual([]);
  });

  it('limits each client address: all requests, and far fewer for the public documents, answered 429 in JSON', () => {
    const [, acl] = only(prod, 'AWS::WAFv2::WebACL');
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    // WAF's own patterns, which the resource specification does not carry.
    expect(acl.Properties.Name).toMatch(/^[\w-]{1,128}$/);
    expect(acl.Properties.Description).toMatch(/^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/);
    for (const rule of acl.Properties.Rules) expect(rule.VisibilityConfig.MetricName).toMatch(/^[\w#:.\-/]{1,255}$/);
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    const rules = new Map<string, any>(acl.Properties.Rules.map((rule: any) => [rule.Name, rule]));
    expect([...rules.keys()].sort()).toEqual(['documents-per-address', 'requests-per-address']);
    const limits = Object.fromEntries([...rules].map(([name, rule]) => [name, rule.Statement.RateBasedStatement]));
    expect(limits['requests-per-address']).toMatchObject({ Limit: 1500, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    expect(limits['requests-per-address']).not.toHaveProperty('ScopeDownStatement');
    expect(limits['documents-per-address']).toMatchObject({ Limit: 100, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    const paths = limits['documents-per-address'].ScopeDownStatement.OrStatement.Statements.map((statement: any) => statement.ByteMatchStatement);
    expect(paths.map((match: any) => [match.SearchString, match.PositionalConstraint, match.FieldToMatch])).toEqual([
      ['/api/v1/docs', 'STARTS_WITH', { UriPath: {} }],
      ['/api/v1/openapi.json', 'STARTS_WITH', { UriPath: {} }],
    ]);
    for (const rule of rules.values()) {
      expect(rule.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 429, CustomResponseBodyKey: 'too-many-requests' });
      expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    }
    const body = acl.Properties.CustomResponseBodies['too-many-requests'];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toEqual({ success: false, error: 429, message: expect.stringMatching(/too many requests/i) });
  });

  it('gives every function the edge keys to check, on the kept stage only', () => {
    for (const [, { resource }] of functionsOf(prod)) expect(resource.Properties.Environment.Variables.EDGE_ORIGIN_KEYS).toBe(EDGE_KEYS.join(','));
    for (const [, { resource }] of functionsOf(dev)) expect(resource.Properties.Environment.Variables).not.toHaveProperty('EDGE_ORIGIN_KEYS');
  });

  it('on a disposable stage (the edge off): no distribution, no web ACL, no edge output', () => {
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL']) expect(resourcesOfType(dev.template, type)).toEqual([]);
    expect(dev.template.Outputs ?? {}).not.toHaveProperty('EdgeUrl');
  });

  it('outside us-east-1: uses the web ACL given by ARN, and creates none (a CloudFront-scope ACL lives only in us-east-1)', () => {
    const { edgeResources } = createRequire(import.meta.url)('../../lib/deploy/edge.cjs') as {
      edgeResources: (settings: { stackName: string; webAclArn: string | undefined; originKey: string; perAddress: Record<string, number> }) => { resources: Record<string, any>; outputs: Record<string, any> };
    };
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared-edge/1111-2222';
    const { resources, outputs } = edgeResources({ stackName: 'ensemble-staging', webAclArn: arn, originKey: EDGE_KEYS[0]!, perAddress: { requests: 1500, documents: 100 } });
    expect(Object.values(resources).map((resource) => resource.Type)).toEqual(['AWS::CloudFront::Distribution']);
    const [distribution] = Object.values(resources);
    expect(distribution.Properties.DistributionConfig.WebACLId).toBe(arn);
    expect(outputs).not.toHaveProperty('EdgeWebAclArn');
    // Valid against the specification too, in place of the stage's own distribution and ACL.
    const edgeTypes = ['AWS::CloudFront::Distribution', 'AWS::WAFv2::WebACL'];
    const others = Object.entries(prod.template.Resources as Record<string, any>).filter(([, resource]) => !edgeTypes.includes(resource.Type));
    const { EdgeWebAclArn: _own, ...otherOutputs } = prod.template.Outputs;
    const swapped = { ...prod.template, Resources: { ...Object.fromEntries(others), ...resources }, Outputs: { ...otherOutputs, ...outputs } };
    expect(specProblems(swapped, loadSpec())).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Running the Postman collection against a deployed stage
// ---------------------------------------------------------------------------------------------

describe('the Postman environment template for a deployed stage', () => {
  const environment = JSON.parse(readFileSync('tests/postman/deployed.postman_environment.json', 'utf8'));
  const collection = JSON.parse(readFileSync('tests/postman/Ensemble.postman_collection.json', 'utf8'));

  it('sets the host and the three role tokens the collection reads, and commits no token', () => {
    expect(environment._postman_variable_scope).toBe('environment');
    const values = new Map<string, string>(environment.values.map((entry: any) => [entry.key, entry.value]));
    const tokens = ['casting_assistant_token', 'casting_director_token', 'executive_producer_token'];
    expect([...values.keys()].sort()).toEqual(['host', ...tokens].sort());
    const collectionKeys = collection.variable.map((variable: any) => variable.key);
    for (const key of values.keys()) expect(collectionKeys).toContain(key);
    expect(values.get('host')).toBe('https://<api-id>.execute-api.<region>.amazonaws.com');
    for (const token of tokens) expect(values.get(token)).toBe('');
  });
});
