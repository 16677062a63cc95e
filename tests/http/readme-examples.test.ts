/**
 * The examples of docs/endpoints.md#endpoints-with-examples are meant to be
 * pasted top to bottom into a shell. This runs their `sh` blocks in order, in
 * one POSIX shell, against the suite's stack (only the `API=` line of the
 * first block changes), and checks every status the document shows: the
 * response block right after a command block is the answer to its last
 * `curl`; every other `curl` must succeed (2xx).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, apiUrl } from '../helpers/api';
import { roleToken } from '../helpers/tokens';

const README_API_LINE = 'API=http://localhost:3000/api/v1';
const DEMO_ACTORS = ['Tom Hanks', 'Meryl Streep', 'Denzel Washington', 'Viola Davis', 'Penélope Cruz'];
const DEMO_MOVIES = ['The Post', 'Philadelphia', 'Fences', 'Doubt'];

interface Example {
  /** Its first line, to name it in a failure. */
  title: string;
  script: string;
  /** Per curl, in order: the status the document shows, or '2xx' where it shows none. */
  expected: (number | '2xx')[];
}

/** The `sh` blocks of that section that talk to the API (`npm run openapi` and the like are not examples to replay). */
const readmeExamples = (): Example[] => {
  const document = readFileSync('docs/endpoints.md', 'utf8');
  const start = document.indexOf('\n## Endpoints, with examples\n');
  const end = document.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const section = document.slice(start, end);
  const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
    lang: match[1]!,
    body: match[2]!,
    start: match.index,
    end: match.index + match[0].length,
  }));
  const examples: Example[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'sh' || !/\$API\b|^API=/m.test(block.body)) return;
    const next = blocks[index + 1];
    const answer = next !== undefined && section.slice(block.end, next.start).trim() === '' && next.lang !== 'sh' ? next.body : undefined;
    const curls = block.body.match(/\bcurl\b/g)?.length ?? 0;
    const expected: (number | '2xx')[] = Array.from({ length: curls }, () => '2xx');
    if (answer !== undefined && curls > 0) {
      // A status line, else an error body's status, else a success body: 200 (every 201 example shows its status line).
      const status =
        /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? /"error":\s*(\d{3})/.exec(answer)?.[1] ?? (/"success":\s*true/.test(answer) ? '200' : undefined);
      // Otherwise (the OpenAPI document) the example shows a body without saying more than "it worked".
      if (status !== undefined) expected[curls - 1] = Number(status);
    }
    examples.push({ title: block.body.split('\n')[0]!, script: block.body, expected });
  });
  return examples;
};

const runShell = (script: string, cwd: string): Promise<{ code: number | null; output: string }> =>
  new Promise((done) => {
    const { ENSEMBLE_TEST: _suite, ...env } = process.env;
    const shell = spawn('sh', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    shell.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    shell.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    shell.once('exit', (code) => done({ code, output }));
  });

let producer: string;
let seeded = false;

const findId = async (kind: 'actors' | 'movies', field: 'name' | 'title', value: string): Promise<string | undefined> => {
  const response = await api(`/api/v1/${kind}?q=${encodeURIComponent(value)}&limit=100`, { token: producer });
  return (response.body[kind] as Record<string, string>[]).find((record) => record[field] === value)?.id;
};

beforeAll(async () => {
  producer = await roleToken('executive-producer');
  // The examples read the demo cast npm start seeds; the suite's database starts empty.
  if ((await findId('actors', 'name', 'Tom Hanks')) === undefined) {
    const { seedDemoData } = await import('../../lib/dev/seed');
    await seedDemoData();
    seeded = true;
  }
});

afterAll(async () => {
  if (!seeded) return;
  // Other files count records; leave the database as the examples found it.
  for (const title of DEMO_MOVIES) {
    const id = await findId('movies', 'title', title);
    if (id !== undefined) await api(`/api/v1/movies/${id}`, { method: 'DELETE', token: producer });
  }
  for (const name of DEMO_ACTORS) {
    const id = await findId('actors', 'name', name);
    if (id !== undefined) await api(`/api/v1/actors/${id}`, { method: 'DELETE', token: producer });
  }
});

test('the examples of docs/endpoints.md run top to bottom in a POSIX shell, each request answering with the status shown', async () => {
  const examples = readmeExamples();
  expect(examples.length).toBeGreaterThan(10);
  expect(examples[0]!.script.split('\n').filter((line) => line === README_API_LINE)).toHaveLength(1);
  const statuses = mkdtempSync(join(tmpdir(), 'ensemble-readme-'));
  // Every curl leaves its status line in the current example's file; the commands themselves are the document's.
  const preamble = [
    'curl() {',
    `  rm -f '${statuses}/headers'`,
    `  command curl -sS -D '${statuses}/headers' "$@"; code=$?`,
    `  if [ -s '${statuses}/headers' ]; then head -n 1 '${statuses}/headers' | cut -d ' ' -f 2 >> "${statuses}/example-$EXAMPLE"; else echo failed >> "${statuses}/example-$EXAMPLE"; fi`,
    '  return $code',
    '}',
  ].join('\n');
  const script = [
    preamble,
    ...examples.map((example, index) =>
      [`EXAMPLE=${index}`, index === 0 ? example.script.replace(README_API_LINE, `API=${apiUrl()}/api/v1`) : example.script].join('\n'),
    ),
  ].join('\n');
  const { output } = await runShell(script, process.cwd());
  const written = new Set(readdirSync(statuses));
  const seen = examples.map((example, index) => {
    const file = `example-${index}`;
    const actual = written.has(file) ? readFileSync(join(statuses, file), 'utf8').trim().split('\n') : [];
    return {
      example: example.title,
      statuses: actual.map((status, call) => (example.expected[call] === '2xx' && /^2\d\d$/.test(status) ? '2xx' : /^\d{3}$/.test(status) ? Number(status) : status)),
    };
  });
  try {
    expect(seen).toEqual(examples.map((example) => ({ example: example.title, statuses: example.expected })));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\nWhat the shell printed:\n${output}`, { cause: error });
  }
}, 120_000);
