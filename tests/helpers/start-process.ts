/**
 * Runs `npm start` (or its script directly) the way a developer would, and
 * watches every process it starts through /proc, so a test can tell whether
 * anything outlives it. Linux only, like the rest of the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: with the pid, it names one process even if the pid is reused. */
  started: string;
  cmdline: string;
}

const readProcess = (pid: number): ProcessInfo | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces; count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    if (fields[0] === 'Z') return undefined; // a zombie holds nothing; its parent just has not reaped it yet
    return { pid, ppid: Number(fields[1]), started: fields[19]!, cmdline };
  } catch {
    return undefined;
  }
};

const allProcesses = (): ProcessInfo[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined);

/** The `roots` still running and every process under them right now. */
const processTree = (...roots: number[]): ProcessInfo[] => {
  const processes = allProcesses();
  const inTree = new Set(roots.filter((pid) => processes.some((info) => info.pid === pid)));
  for (let grown = true; grown; ) {
    grown = false;
    for (const info of processes) {
      if (!inTree.has(info.pid) && inTree.has(info.ppid)) {
        inTree.add(info.pid);
        grown = true;
      }
    }
  }
  return processes.filter((info) => inTree.has(info.pid));
};

const stillRunning = (info: ProcessInfo): boolean => readProcess(info.pid)?.started === info.started;

export interface StartRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process seen in the tree so far (children outlive their parents' view of them, so we keep them). */
  seen: () => ProcessInfo[];
  waitUntil: (what: string, condition: () => boolean, timeoutMs: number) => Promise<void>;
  /** Kills whatever is left, for afterAll: a failed test must not leave a server behind. */
  cleanUp: () => void;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * `command` runs in its own process group, with the suite's environment minus
 * what would make the stack think it is the suite, and its output captured.
 */
export const runStart = (command: string, args: string[], env: Record<string, string | undefined>): StartRun => {
  const { ENSEMBLE_TEST: _suite, ...inherited } = process.env;
  // A key of its own unless told otherwise: the developer's .local/keys stays untouched.
  const keysDir = mkdtempSync(join(tmpdir(), 'ensemble-start-keys-'));
  const child = spawn(command, args, {
    cwd: resolve('.'),
    env: { ...inherited, ENSEMBLE_KEYS_DIR: keysDir, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const seen = new Map<string, ProcessInfo>();
  const record = () => {
    if (child.pid === undefined) return;
    // Also from every process seen alive: once npm is gone, its orphans are no longer under it.
    const roots = [child.pid, ...[...seen.values()].filter(stillRunning).map((info) => info.pid)];
    for (const info of processTree(...roots)) seen.set(`${info.pid}/${info.started}`, info);
  };
  record();
  const watcher = setInterval(record, 50);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    seen: () => {
      record();
      return [...seen.values()];
    },
    waitUntil: async (what, condition, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`npm start ended before ${what}.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        }
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await sleep(50);
      }
    },
    cleanUp: () => {
      clearInterval(watcher);
      rmSync(keysDir, { recursive: true, force: true });
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone
        }
      }
      record();
      for (const info of seen.values()) {
        if (stillRunning(info)) {
          try {
            process.kill(info.pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
      }
    },
  };
};

/** The processes of `run` still alive once they have had `timeoutMs` to go, with their command lines. */
export const survivorsAfter = async (run: StartRun, timeoutMs: number): Promise<string[]> => {
  const watched = run.seen();
  const deadline = Date.now() + timeoutMs;
  let alive = watched.filter(stillRunning);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(stillRunning);
  }
  return alive.map((info) => `${info.pid} ${info.cmdline}`);
};

export const removeFolder = (path: string): void => rmSync(path, { recursive: true, force: true });

/** Whether a server could listen on `port` of 127.0.0.1 right now (nothing holds it). */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
