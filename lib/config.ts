/**
 * All runtime configuration: every setting of the environment is read and
 * checked here, and nowhere else. Each concern reads its settings once, when
 * it is first needed: the log settings when a function is loaded (so a typo
 * in LOG_LEVEL fails the cold start), the auth, data and cursor settings at
 * the first request that uses them (so a public function never needs the
 * data settings). Either way a missing or wrong setting throws a ConfigError
 * naming it, and that invocation fails with a logged 500, rather than the
 * function running on a guess.
 */
import { ConfigError } from './domain/errors';

export { ConfigError };

const readEnv = (name: string): string | undefined => {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const requireEnv = (name: string): string => {
  const value = readEnv(name);
  if (value === undefined) throw new ConfigError(`Environment variable ${name} must be set.`);
  return value;
};

/** Inside serverless-offline (which sets IS_OFFLINE) or the test suite (ENSEMBLE_TEST), and never in a real Lambda. */
const runsLocally = (): boolean => {
  const offline = readEnv('IS_OFFLINE') === 'true' || readEnv('ENSEMBLE_TEST') === 'true';
  const inRealLambda = readEnv('AWS_EXECUTION_ENV')?.startsWith('AWS_Lambda') ?? false;
  return offline && !inRealLambda;
};

/** Issuer and audience of the tokens that `npm run token` mints for local development. */
export const LOCAL_ISSUER = 'https://ensemble.local/';
export const LOCAL_AUDIENCE = 'ensemble-local-api';

export type AuthConfig =
  | { mode: 'auth0'; issuer: string; audience: string; jwksUri: string }
  | { mode: 'local'; issuer: string; audience: string; keysDir: string };

/**
 * Auth0 mode whenever AUTH0_DOMAIN and API_AUDIENCE are set. Otherwise local
 * mode, which trusts a key pair generated on this machine, and is therefore
 * allowed only inside serverless-offline (which sets IS_OFFLINE) or the test
 * suite (ENSEMBLE_TEST). A deployed Lambda never has either, and `serverless
 * package` refuses to build without the Auth0 settings, so a deployed stage
 * cannot end up trusting local tokens.
 */
export const readAuthConfig = (): AuthConfig => {
  const domain = readEnv('AUTH0_DOMAIN');
  const audience = readEnv('API_AUDIENCE');
  if (domain !== undefined || audience !== undefined) {
    if (domain === undefined || audience === undefined) {
      throw new ConfigError('AUTH0_DOMAIN and API_AUDIENCE must be set together.');
    }
    const host = domain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    return {
      mode: 'auth0',
      issuer: `https://${host}/`,
      audience,
      jwksUri: `https://${host}/.well-known/jwks.json`,
    };
  }
  if (!runsLocally()) {
    throw new ConfigError(
      'AUTH0_DOMAIN and API_AUDIENCE must be set: local tokens are accepted only by serverless-offline and the tests.',
    );
  }
  return {
    mode: 'local',
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    keysDir: readEnv('ENSEMBLE_KEYS_DIR') ?? '.local/keys',
  };
};

export interface DataConfig {
  actorsTable: string;
  /** The AWS region; only DynamoDB Local's client needs it spelt out (Lambda's SDK finds its own). */
  region: string;
  moviesTable: string;
  /** DynamoDB Local's URL in development; unset in AWS. */
  endpoint: string | undefined;
  /**
   * How long one DynamoDB attempt may take. DynamoDB answers in milliseconds,
   * so 1.5 s (×3 attempts) is generous yet ends well inside the Lambda
   * timeout; DynamoDB Local on a busy laptop may need longer.
   */
  requestTimeoutMs: number;
}

export const readDataConfig = (): DataConfig => {
  const timeout = Number(readEnv('DYNAMODB_TIMEOUT_MS') ?? 1500);
  if (!Number.isInteger(timeout) || timeout <= 0) throw new ConfigError('DYNAMODB_TIMEOUT_MS must be a positive whole number.');
  return {
    actorsTable: requireEnv('ACTORS_TABLE'),
    moviesTable: requireEnv('MOVIES_TABLE'),
    region: readEnv('AWS_REGION') ?? 'us-east-1',
    endpoint: readEnv('DYNAMODB_ENDPOINT'),
    requestTimeoutMs: timeout,
  };
};

/** The built-in cursor key: in source, so only serverless-offline and the tests may use it. */
export const LOCAL_CURSOR_KEY = 'ensemble-cursor-v1';
const MIN_CURSOR_KEY_LENGTH = 32;

/**
 * Keys for the HMAC that makes list cursors tamper-evident, from CURSOR_KEYS
 * (comma-separated): the first signs new cursors, every one is accepted, so
 * a key can be replaced without breaking the cursors clients hold. A
 * deployed stage must have its own keys; only local mode falls back to the
 * built-in one. Cursors hold only a position in a list, so the keys protect
 * integrity, not secrecy.
 */
export const readCursorKeys = (): string[] => {
  const configured = readEnv('CURSOR_KEYS');
  if (configured === undefined) {
    if (runsLocally()) return [LOCAL_CURSOR_KEY];
    throw new ConfigError('CURSOR_KEYS must be set: the built-in cursor key is accepted only by serverless-offline and the tests.');
  }
  const keys = configured.split(',').map((key) => key.trim());
  if (keys.some((key) => key.length < MIN_CURSOR_KEY_LENGTH)) {
    throw new ConfigError(`CURSOR_KEYS must be a comma-separated list of keys of at least ${MIN_CURSOR_KEY_LENGTH} characters each.`);
  }
  return keys;
};

/** The request header CloudFront adds on its way to the HTTP API (lib/deploy/edge.cjs): its value is a stage's edge key. */
export const EDGE_ORIGIN_HEADER = 'x-origin-verify';
const MIN_EDGE_KEY_LENGTH = 32;

export interface EdgeConfig {
  /** The values of EDGE_ORIGIN_HEADER that prove a request came through the stage's CloudFront distribution. */
  originKeys: string[];
}

/**
 * On a stage deployed behind the edge (docs/deploying-and-operating.md#the-edge), the keys from
 * EDGE_ORIGIN_KEYS (comma-separated, like CURSOR_KEYS): CloudFront sends the
 * first, every one is accepted, so a key can be replaced without refusing
 * requests while the distribution is updated. Undefined, and nothing is
 * checked, on stages without the edge (packaging sets the variable only for
 * those with it) and always in local mode, where no CloudFront stands in front.
 */
export const readEdgeConfig = (): EdgeConfig | undefined => {
  if (runsLocally()) return undefined;
  const configured = readEnv('EDGE_ORIGIN_KEYS');
  if (configured === undefined) return undefined;
  const keys = configured.split(',').map((key) => key.trim());
  if (keys.some((key) => key.length < MIN_EDGE_KEY_LENGTH)) {
    throw new ConfigError(`EDGE_ORIGIN_KEYS must be a comma-separated list of keys of at least ${String(MIN_EDGE_KEY_LENGTH)} characters each.`);
  }
  return { originKeys: keys };
};

// No DEBUG: nothing is logged below INFO (lib/log.ts), so it would only be INFO under another name.
const LOG_LEVELS = ['INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogConfig {
  /** The least severe level written; SILENT writes nothing (the tests' default for handlers run in-process). */
  level: LogLevel;
  /** The CloudWatch namespace of the metrics the log lines carry. */
  metricsNamespace: string;
}

export const readLogConfig = (): LogConfig => {
  const level = (readEnv('LOG_LEVEL') ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${level}".`);
  }
  return { level: level as LogLevel, metricsNamespace: readEnv('METRICS_NAMESPACE') ?? 'ensemble' };
};
