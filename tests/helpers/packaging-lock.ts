/**
 * `serverless package` stages its zips in the service's own .serverless/
 * folder, so two packaging runs at once spoil each other's. The test files
 * that package (cloudformation, deploy-guard) run in parallel lanes
 * (tests/setup/lanes.ts) and take turns through this lock: a folder made
 * atomically in the temporary folder (one per checkout), naming its holder's
 * pid, and taken over when that process is gone (a run killed mid-way).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK = join(tmpdir(), `ensemble-packaging-${createHash('sha256').update(resolve('.')).digest('hex').slice(0, 12)}.lock`);

const holderAlive = (): boolean => {
  let pid: number;
  try {
    pid = Number(readFileSync(`${LOCK}/pid`, 'utf8'));
  } catch {
    // Made but not yet named: its maker is between two calls.
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until this process holds the lock; the caller gives it back with `releasePackaging`. */
export const acquirePackaging = async (): Promise<void> => {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(`${LOCK}/pid`, String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive()) rmSync(LOCK, { recursive: true, force: true });
      else await sleep(250);
    }
  }
};

export const releasePackaging = (): void => rmSync(LOCK, { recursive: true, force: true });
