/**
 * Child processes started by `npm start` and the tests. Each runs in its own
 * process group so that stopping it also stops whatever it started (Java
 * under DynamoDB Local, workers under serverless-offline), and never anything
 * this program did not start.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Started {
  process: ChildProcess;
  stop: () => Promise<void>;
  /**
   * Rejects as soon as the child fails to start or exits, whenever that is, so a
   * readiness wait can end at once instead of at its timeout. Never resolves.
   */
  ended: Promise<never>;
}

/** How a child that was expected to keep running ended. */
export class ProcessEndedError extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(signal === null ? `exited with code ${String(code)}` : `was killed by ${signal}`);
  }
}

/** Every supervised child still running, so one call can stop them whatever phase start-up is in. */
const running = new Set<Started>();
let closing = false;
let reaper: ChildProcess | undefined;

const tellReaper = (line: string): void => {
  if (reaper?.stdin?.writable) reaper.stdin.write(`${line}\n`);
};

export const startProcess = (command: string, args: string[], options: SpawnOptions): Started =>
  supervise(spawn(command, args, { ...options, detached: true }));

/** Stop control for a child that was spawned `detached`, i.e. leads its own process group. */
export const supervise = (child: ChildProcess): Started => {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const ended = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new ProcessEndedError(code, signal)));
  });
  // Only readiness waits care how a child ended; an unobserved end must not crash the parent.
  ended.catch(() => undefined);
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const started: Started = {
    process: child,
    ended,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        // The leader is gone but its group may not be (esbuild under serverless-offline).
        signalGroup('SIGKILL');
        return;
      }
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // Grandchildren may outlive the leader; the group id still reaches them.
      signalGroup('SIGKILL');
    },
  };
  if (child.pid !== undefined) {
    const pid = child.pid;
    running.add(started);
    tellReaper(`+${pid}`);
    void exited.then(() => {
      running.delete(started);
      tellReaper(`-${pid}`);
    });
  }
  // A child spawned after shutdown began (start-up was mid-flight) must not outlive it.
  if (closing) void started.stop();
  return started;
};

/** Stops every supervised child, including one still starting, and any started from now on. */
export const stopAllStarted = async (): Promise<void> => {
  closing = true;
  await Promise.all([...running].map((started) => started.stop()));
  reaper?.stdin?.end();
};

/**
 * Source of the reaper: a tiny process that outlives this one by design. It
 * learns each child's process group on stdin ("+pid" / "-pid"); when stdin
 * closes, which the kernel does however this process ends (even SIGKILL), it
 * stops every group still registered, and exits.
 */
const REAPER_SOURCE = `
const groups = new Set();
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\\n');
  buffered = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (line[0] === '+') groups.add(pid); else groups.delete(pid);
  }
});
const signalAll = (signal) => {
  for (const pid of groups) {
    try { process.kill(-pid, signal); } catch { groups.delete(pid); }
  }
};
process.stdin.on('end', () => {
  signalAll('SIGTERM');
  const poll = setInterval(() => {
    signalAll(0);
    if (groups.size === 0) process.exit(0);
  }, 100);
  setTimeout(() => { clearInterval(poll); signalAll('SIGKILL'); process.exit(0); }, 5000);
});
`;

/**
 * Safety net for `npm start`: if this process dies without running its own
 * shutdown (SIGKILL, a crash), the reaper still stops every child. Children
 * lead their own process groups, so nothing else would.
 */
export const startReaper = (): void => {
  if (reaper !== undefined) return;
  // Its own session: a Ctrl-C or hang-up aimed at the terminal must not end it before the children.
  reaper = spawn(process.execPath, ['--input-type=module', '-e', REAPER_SOURCE], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void }).unref?.();
  for (const started of running) if (started.process.pid !== undefined) tellReaper(`+${started.process.pid}`);
};
