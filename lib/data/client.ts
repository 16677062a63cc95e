/**
 * The one DynamoDB document client of a function instance, made at cold start
 * and reused by every request.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readDataConfig } from '../config';

const config = readDataConfig();

export const tables = { actors: config.actorsTable, movies: config.moviesTable } as const;

export const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(config.endpoint === undefined
      ? {}
      : {
          endpoint: config.endpoint,
          // DynamoDB Local accepts any credentials; these keep the SDK from hunting for real ones.
          region: process.env.AWS_REGION ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
    // Bounded so a sick database becomes a 503 well inside the Lambda timeout, never a hang.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 500, requestTimeout: config.requestTimeoutMs, throwOnRequestTimeout: true },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);
