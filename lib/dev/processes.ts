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
}

export const startProcess = (command: string, args: string[], options: SpawnOptions): Started =>
  supervise(spawn(command, args, { ...options, detached: true }));

/** Stop control for a child that was spawned `detached`, i.e. leads its own process group. */
export const supervise = (child: ChildProcess): Started => {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // Grandchildren may outlive the leader; the group id still reaches them.
      signalGroup('SIGKILL');
    },
  };
};
