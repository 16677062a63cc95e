/**
 * Real DynamoDB cancels a transaction that touches an item another one is
 * writing; DynamoDB Local never does. The suite runs behind a proxy that
 * restores that behaviour (tests/helpers/fault-proxy.ts). Here: first that
 * the emulation really conflicts (so nothing else can pass by accident),
 * then that concurrent writers of distinct records all succeed through it,
 * with `total` exact and every invariant intact.
 */
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createActor } from '../../functions/actors/create';
import { handler as deleteActor } from '../../functions/actors/delete';
import { handler as addMovieActor } from '../../functions/movies/add-actor';
import { handler as createMovie } from '../../functions/movies/create';
import { handler as deleteMovie } from '../../functions/movies/delete';
import { uniqueName } from '../helpers/api';
import { contentionStats, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { newActor, total } from '../helpers/fixtures';
import { integrityProblems } from '../helpers/integrity';
import { invoke } from '../helpers/invoke';
import { statusCounts } from '../helpers/result';
import { roleToken } from '../helpers/tokens';

describe('the contention emulation itself', () => {
  const table = `contention-${process.pid}`;
  let proxy: FaultProxy;
  let direct: DynamoDBClient;
  let viaProxy: DynamoDBDocumentClient;

  beforeAll(async () => {
    const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    direct = new DynamoDBClient({ ...local, endpoint: process.env.DYNAMODB_LOCAL_ENDPOINT });
    await direct.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client: direct, maxWaitTime: 30 }, { TableName: table });
    // A commit latency long enough that "right after" is certainly inside it on a busy machine.
    proxy = await startFaultProxy(process.env.DYNAMODB_LOCAL_ENDPOINT!, { contention: { commitLatencyMs: 1500 } });
    viaProxy = DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: proxy.url, maxAttempts: 1 }));
  });

  afterAll(async () => {
    viaProxy.destroy();
    await proxy.close();
    await direct.send(new DeleteTableCommand({ TableName: table }));
    direct.destroy();
  });

  const put = (pk: string) => ({ Put: { TableName: table, Item: { pk, n: 1 } } });

  it('cancels a transaction touching a key that a just-committed one still holds, naming only that item', async () => {
    await viaProxy.send(new TransactWriteCommand({ TransactItems: [put('a'), put('b')] }));
    const error = await viaProxy.send(new TransactWriteCommand({ TransactItems: [put('c'), put('b')] })).then(
      () => undefined,
      (caught: unknown) => caught as { name: string; CancellationReasons?: { Code?: string }[] },
    );
    expect(error?.name).toBe('TransactionCanceledException');
    expect(error?.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'TransactionConflict']);
    expect(proxy.contention.cancelledTransactions).toBe(1);
  });

  it('refuses a plain write to a held key with TransactionConflictException', async () => {
    await viaProxy.send(new TransactWriteCommand({ TransactItems: [put('d')] }));
    const putError = await viaProxy.send(new PutCommand({ TableName: table, Item: { pk: 'd' } })).catch((caught: unknown) => caught);
    expect((putError as Error).name).toBe('TransactionConflictException');
    const updateError = await viaProxy
      .send(new UpdateCommand({ TableName: table, Key: { pk: 'd' }, UpdateExpression: 'SET n = :two', ExpressionAttributeValues: { ':two': 2 } }))
      .catch((caught: unknown) => caught);
    expect((updateError as Error).name).toBe('TransactionConflictException');
    // A key nobody holds is written as usual.
    await viaProxy.send(new PutCommand({ TableName: table, Item: { pk: 'e' } }));
    expect(proxy.contention.conflictedWrites).toBe(2);
  });

  it('lets a cancelled transaction hold nothing, and frees keys after the commit latency', async () => {
    await viaProxy.send(new TransactWriteCommand({ TransactItems: [put('f')] }));
    await expect(viaProxy.send(new TransactWriteCommand({ TransactItems: [put('f'), put('g')] }))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    // 'g' was in the cancelled transaction only: it is free.
    await viaProxy.send(new TransactWriteCommand({ TransactItems: [put('g')] }));
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await viaProxy.send(new TransactWriteCommand({ TransactItems: [put('f')] }));
  });

  it('of overlapping transactions on one item, commits one and cancels the rest', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        viaProxy.send(new TransactWriteCommand({ TransactItems: [put(`own-${i}`), { Update: { TableName: table, Key: { pk: 'shared' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } }] })),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('the API under real contention', () => {
  let producer: string;
  beforeAll(async () => {
    producer = await roleToken('executive-producer');
  });

  const newActorBody = () => ({ name: uniqueName('Importer'), gender: 'female', birth_date: '1980-04-04' });

  it('creates every one of 32 concurrent actors with distinct names: no 5xx, exact total', async () => {
    const before = await total('actors', producer);
    const results = await Promise.all(Array.from({ length: 32 }, () => invoke(createActor, { method: 'POST', token: producer, body: newActorBody() })));
    expect(statusCounts(results)).toEqual({ 201: 32 });
    expect(await total('actors', producer)).toBe(before + 32);
    expect(await integrityProblems()).toEqual([]);
  });

  it('creates every one of 32 concurrent movies and deletes them all concurrently: no 5xx, exact total', async () => {
    const before = await total('movies', producer);
    const created = await Promise.all(
      Array.from({ length: 32 }, () =>
        invoke(createMovie, { method: 'POST', token: producer, body: { title: uniqueName('Import'), release_date: '2001-01-01' } }),
      ),
    );
    expect(statusCounts(created)).toEqual({ 201: 32 });
    expect(await total('movies', producer)).toBe(before + 32);
    const deleted = await Promise.all(
      created.map((result) => invoke(deleteMovie, { method: 'DELETE', pathParameters: { id: result.body.movie.id }, token: producer })),
    );
    expect(statusCounts(deleted)).toEqual({ 200: 32 });
    expect(await total('movies', producer)).toBe(before);
    expect(await integrityProblems()).toEqual([]);
  });

  it('deletes 32 actors concurrently, each cast in a movie they share: no 5xx, casts emptied', async () => {
    const movie = (await invoke(createMovie, { method: 'POST', token: producer, body: { title: uniqueName('Shared cast'), release_date: '2002-02-02' } })).body.movie;
    const actors: any[] = [];
    for (let i = 0; i < 32; i += 1) {
      const actor = await newActor(producer);
      expect((await invoke(addMovieActor, { method: 'PUT', pathParameters: { id: movie.id, actor_id: actor.id }, token: producer })).status).toBe(200);
      actors.push(actor);
    }
    const before = await total('actors', producer);
    const deleted = await Promise.all(actors.map((actor) => invoke(deleteActor, { method: 'DELETE', pathParameters: { id: actor.id }, token: producer })));
    // Every delete rewrites the one movie: that is the single-record contention that may answer 503 + Retry-After.
    for (const result of deleted) expect([200, 503]).toContain(result.status);
    for (const result of deleted.filter((r) => r.status === 503)) expect(result.headers['retry-after']).toMatch(/^\d+$/);
    const succeeded = deleted.filter((result) => result.status === 200).length;
    process.stdout.write(`contention: ${succeeded}/32 deletes of actors sharing one movie succeeded, ${32 - succeeded} answered 503\n`);
    expect(await total('actors', producer)).toBe(before - succeeded);
    expect(await integrityProblems()).toEqual([]);
  });

  it('was run through the emulation: the suite proxy reported conflicts', async () => {
    const stats = await contentionStats(process.env.DYNAMODB_ENDPOINT!);
    process.stdout.write(`contention so far: ${JSON.stringify(stats)}\n`);
    expect(stats.transactions).toBeGreaterThan(0);
    expect(stats.cancelledTransactions).toBeGreaterThan(0);
  });
});
