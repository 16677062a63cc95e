/**
 * The yardstick of the quality bars: a handler that only builds a DynamoDB document
 * client (as lib/storage/store.ts does) and sends one GetCommand.
 * The benchmark bundles it with the esbuild settings of serverless.yml and
 * serves it with serverless-offline (tests/bench/serverless.yml), side by side
 * with the real functions.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const endpoint = process.env.DYNAMODB_ENDPOINT;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient(
    endpoint === undefined || endpoint === ''
      ? {}
      : { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
  ),
);

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const result = await db.send(
    new GetCommand({ TableName: process.env.ACTORS_TABLE, Key: { pk: `ACTOR#${event.pathParameters?.id ?? ''}` } }),
  );
  return { statusCode: result.Item === undefined ? 404 : 200, body: JSON.stringify(result.Item ?? null) };
};
