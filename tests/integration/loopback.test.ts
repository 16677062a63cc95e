/**
 * The dev stack is reachable from this machine only: DynamoDB Local (which
 * holds whatever a developer put in it, and has no authentication), the
 * conflict-emulating proxy and the API all listen on loopback, and DynamoDB
 * Local sends no telemetry. Checked two ways: the kernel's table of
 * listening sockets (Linux), and a connection attempt through every
 * non-loopback address this machine has.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

const portOf = (url: string | undefined): number => Number(new URL(url ?? 'http://missing').port);

const servers = () => ({
  'DynamoDB Local': portOf(process.env.DYNAMODB_LOCAL_ENDPOINT),
  'the proxy in front of DynamoDB Local': portOf(process.env.DYNAMODB_ENDPOINT),
  'the API': portOf(process.env.ENSEMBLE_API_URL),
});

/** An address of /proc/net/tcp{,6} ("0100007F", 32 hex digits for IPv6) as text: each 32-bit word is in host (little-endian) order. */
const procAddress = (hex: string): string => {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, index) => ((bytes[2 * index]! << 8) | bytes[2 * index + 1]!).toString(16));
  return groups.join(':');
};

const isLoopback = (address: string): boolean =>
  address.startsWith('127.') || address === '0:0:0:0:0:0:0:1' || /^0:0:0:0:0:ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(address);

/** Every local address something listens on at `port`, from the kernel's socket tables. */
const listeningAddresses = (port: number): string[] =>
  ['/proc/net/tcp', '/proc/net/tcp6']
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 3 && fields[3] === '0A')
    .map((fields) => fields[1]!.split(':'))
    .filter(([, hexPort]) => parseInt(hexPort!, 16) === port)
    .map(([hexAddress]) => procAddress(hexAddress!));

const otherAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => !address.internal && !address.address.startsWith('fe80:'))
    .map((address) => address.address);

/** 'refused', or 'connected' when something answers at address:port. */
const tryConnect = (address: string, port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 5000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? 'error')));
  });

describe.each(Object.entries(servers()))('%s', (_name, port) => {
  test('listens on loopback only (kernel socket table)', () => {
    if (!existsSync('/proc/net/tcp')) return; // not Linux: the connection test below still runs
    const addresses = listeningAddresses(port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !isLoopback(address))).toEqual([]);
  });

  test('cannot be reached through any non-loopback address of this machine', async () => {
    expect(await tryConnect('127.0.0.1', port)).toBe('connected');
    const results = await Promise.all(otherAddresses().map(async (address) => [address, await tryConnect(address, port)]));
    expect(results.filter(([, result]) => result === 'connected')).toEqual([]);
  });
});

test('DynamoDB Local runs with its telemetry off', () => {
  if (!existsSync('/proc/self/cmdline')) return;
  const port = String(servers()['DynamoDB Local']);
  const commandLines = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')];
      } catch {
        return []; // ended meanwhile
      }
    })
    .filter((args) => args.some((arg) => arg.includes('DynamoDBLocal')) && args.includes('-port') && args[args.indexOf('-port') + 1] === port);
  expect(commandLines).toHaveLength(1);
  expect(commandLines[0]).toContain('-disableTelemetry');
});
