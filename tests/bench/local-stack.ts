/**
 * What `npm start` costs a laptop: seconds from the command to the banner on a
 * first run (no bundles yet, a fresh in-memory database to seed, a new key),
 * and the memory of every process it runs once it has served a few requests.
 *
 * `npm run bench` calls benchLocalStack() after its report; `npm run bench:local`
 * runs only this part. Either way the figures land in BENCHMARKS.md between
 * `<!-- local-stack:begin -->` and `<!-- local-stack:end -->`.
 *
 * Both configurations are measured side by side in the same run: "before" is the
 * stack as it was (serverless-esbuild keeping an incremental esbuild context per
 * function for its watcher, esbuild never collecting its garbage), "now" is what
 * `npm start` runs today. The two environment switches exist for this comparison.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../lib/dev/ports';
import { mintRoleToken } from '../../lib/dev/tokens';
import { runStart, survivorsAfter, type ProcessInfo } from '../helpers/start-process';
import { median } from './stats';

const BANNER = 'Press Ctrl-C to stop.';
const SETTLE_MS = 5000;

interface Configuration {
  name: string;
  description: string;
  env: Record<string, string>;
}

const CONFIGURATIONS: Configuration[] = [
  {
    name: 'before',
    description: 'an incremental esbuild context per function, no memory limit for esbuild (as it was)',
    env: { ESBUILD_SKIP_REBUILD: 'false', GOMEMLIMIT: 'off' },
  },
  { name: 'now', description: '`npm start` as it is', env: {} },
];

/** Which part of the stack a process is, by its command line. */
const ROLES: [string, RegExp][] = [
  ['serverless-offline', /serverless offline start/],
  ['esbuild', /esbuild --service/],
  ['DynamoDB Local (java)', /DynamoDBLocal\.jar/],
  ['start script (node)', /lib\/dev\/start\.ts/],
  ['reaper (node)', /--input-type=module -e/],
  ['npm', /(^|\/)npm( |$)|npm-cli\.js/],
];
const roleOf = (info: ProcessInfo): string => ROLES.find(([, pattern]) => pattern.test(info.cmdline))?.[0] ?? 'other';

const kibibytes = (text: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);

/** RSS counts pages shared between processes once per process; PSS splits them, so its sum is what the stack really holds. */
const memoryOf = (pid: number): { rss: number; pss: number } => {
  try {
    return {
      rss: kibibytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS'),
      pss: kibibytes(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss'),
    };
  } catch {
    return { rss: 0, pss: 0 };
  }
};

export interface LocalStackRun {
  configuration: string;
  secondsToBanner: number;
  /** KiB per role, summed over its processes. */
  rss: Record<string, number>;
  pss: Record<string, number>;
}

const measureOnce = async (configuration: Configuration, log: (line: string) => void): Promise<LocalStackRun> => {
  const port = await freePort();
  const keysDir = mkdtempSync(join(tmpdir(), 'ensemble-bench-start-keys-'));
  const buildFolder = `.esbuild-bench-start-${process.pid}-${port}`;
  const began = Date.now();
  const run = runStart('npm', ['start', '--', '--in-memory'], {
    PORT: String(port),
    ENSEMBLE_KEYS_DIR: keysDir,
    ESBUILD_WORK_FOLDER: buildFolder,
    ...configuration.env,
  });
  let result: LocalStackRun;
  let left: string[];
  try {
    await run.waitUntil('the banner', () => run.stdout().includes(BANNER), 300_000);
    const secondsToBanner = (Date.now() - began) / 1000;
    // Memory once it has done some work, as a developer's stack would have.
    const token = await mintRoleToken('executive-producer', { keysDir });
    for (const path of ['/health', '/actors', '/movies', '/actors?q=tom', '/movies?q=phil']) {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status} during the local-stack benchmark.`);
    }
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const rss: Record<string, number> = {};
    const pss: Record<string, number> = {};
    for (const info of run.seen()) {
      const memory = memoryOf(info.pid);
      const role = roleOf(info);
      rss[role] = (rss[role] ?? 0) + memory.rss;
      pss[role] = (pss[role] ?? 0) + memory.pss;
    }
    log(`    ${configuration.name}: banner after ${secondsToBanner.toFixed(1)} s, ${(sum(pss) / 1024).toFixed(0)} MiB (PSS)`);
    result = { configuration: configuration.name, secondsToBanner, rss, pss };
  } finally {
    process.kill(-run.child.pid!, 'SIGINT');
    await run.exited;
    left = await survivorsAfter(run, 20_000);
    run.cleanUp();
    rmSync(buildFolder, { recursive: true, force: true });
    rmSync(keysDir, { recursive: true, force: true });
  }
  // After the finally, not in it: a throw there would hide the error that ended the measurement.
  if (left.length > 0) throw new Error(`npm start left processes behind: ${left.join(', ')}`);
  return result;
};

const sum = (values: Record<string, number>): number => Object.values(values).reduce((total, value) => total + value, 0);

export interface LocalStackResults {
  date: Date;
  load: number[];
  runs: LocalStackRun[];
}

/** Alternates the configurations, `rounds` times, so both see the same machine. */
const measureLocalStack = async (rounds: number, log: (line: string) => void): Promise<LocalStackResults> => {
  const load = [loadavg()[0]!];
  const runs: LocalStackRun[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    log(`    local stack, round ${round}/${rounds}…`);
    for (const configuration of CONFIGURATIONS) runs.push(await measureOnce(configuration, log));
  }
  load.push(loadavg()[0]!);
  return { date: new Date(), load, runs };
};

const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

const renderLocalStack = (results: LocalStackResults): string => {
  const roles = [...new Set(results.runs.flatMap((run) => Object.keys(run.pss)))].sort(
    (a, b) => ROLES.findIndex(([role]) => role === a) - ROLES.findIndex(([role]) => role === b),
  );
  const byConfiguration = CONFIGURATIONS.map((configuration) => {
    const runs = results.runs.filter((run) => run.configuration === configuration.name);
    const medianOf = (pick: (run: LocalStackRun) => number) => median(runs.map(pick));
    return {
      configuration,
      runs: runs.length,
      seconds: medianOf((run) => run.secondsToBanner),
      totalPss: medianOf((run) => sum(run.pss)),
      totalRss: medianOf((run) => sum(run.rss)),
      role: (role: string) => `${mib(medianOf((run) => run.pss[role] ?? 0))} (RSS ${mib(medianOf((run) => run.rss[role] ?? 0))})`,
    };
  });
  const header = `| | ${byConfiguration.map(({ configuration }) => `${configuration.name}: ${configuration.description}`).join(' | ')} |`;
  const rows = [
    header,
    `| --- | ${byConfiguration.map(() => '---').join(' | ')} |`,
    `| first run to the banner (median of ${byConfiguration[0]!.runs}) | ${byConfiguration.map((entry) => `${entry.seconds.toFixed(1)} s`).join(' | ')} |`,
    `| memory of the whole stack, PSS (RSS) | ${byConfiguration.map((entry) => `**${mib(entry.totalPss)}** (RSS ${mib(entry.totalRss)})`).join(' | ')} |`,
    ...roles.map((role) => `| ${role} | ${byConfiguration.map((entry) => entry.role(role)).join(' | ')} |`),
  ];
  return [
    '<!-- local-stack:begin -->',
    '## The local stack (`npm start`)',
    '',
    `Measured ${results.date.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:local\` (also run by \`npm run bench\`), 1-minute load average ${results.load.map((value) => value.toFixed(1)).join(' → ')} on this machine's cores. ` +
      'Each run is a first run: `npm start -- --in-memory` on a free port with no bundles yet, a database to seed and a new signing key; the clock stops at the banner. ' +
      `Memory is read from /proc after five requests and ${SETTLE_MS / 1000} s of quiet, summed over every process of the stack; PSS counts shared pages once, RSS once per process. The two configurations alternate, so both meet the same machine.`,
    '',
    ...rows,
    '',
    'What was cut, all of it in the esbuild process that serverless-esbuild keeps running for its file watcher: ' +
      'an incremental esbuild context per function (they kept the parsed sources of every bundle, the AWS SDK each time; `skipRebuild: true` in serverless.yml builds plainly instead, and a file change still rebuilds), ' +
      'and the garbage of bundling, which esbuild never collects on its own (`GOMEMLIMIT=256MiB` in the environment `lib/dev/offline.ts` gives serverless-offline makes the Go runtime collect it; `GOMEMLIMIT=off npm start` lifts it). ' +
      'Functions are bundled two at a time (`concurrency: 2`; the default, all at once, makes a peak the limit would fight, which in trial runs doubled the time to the banner). ' +
      'In trial runs, either of the first two changes alone fell short: without the contexts but with no limit esbuild still held about 940 MiB, with a limit but the contexts about 550 MiB. ' +
      'The "before" column keeps `concurrency: 2`; with the old all-at-once bundling the stack measured 1,590 to 1,630 MiB (PSS) and 13 to 27 s to the banner on this machine. ' +
      'Most of the time to the banner is bundling the functions and starting Java and serverless-offline; it is not cut here.',
    '<!-- local-stack:end -->',
  ].join('\n');
};

/** Puts `section` in place of the previous local-stack section of `file`, or at its end. */
const writeLocalStackSection = (file: string, section: string): void => {
  let existing = '';
  try {
    existing = readFileSync(file, 'utf8');
  } catch {
    // a new file
  }
  const pattern = /<!-- local-stack:begin -->[\s\S]*?<!-- local-stack:end -->/;
  writeFileSync(file, pattern.test(existing) ? existing.replace(pattern, section) : `${existing.trimEnd()}\n\n${section}\n`);
};

/** The hook `npm run bench` calls once its own report is written. */
export const benchLocalStack = async (log: (line: string) => void, rounds = Number(process.env.LOCAL_STACK_ROUNDS ?? 2)): Promise<void> => {
  log(`local stack: ${rounds} first runs of npm start per configuration…`);
  writeLocalStackSection('BENCHMARKS.md', renderLocalStack(await measureLocalStack(rounds, log)));
  log('wrote the local-stack section of BENCHMARKS.md');
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  await benchLocalStack((line) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`));
}
