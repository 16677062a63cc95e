/**
 * The Chrome or Chromium the docs page test drives (through playwright-core,
 * which brings no browser of its own). Looked for, in order:
 *
 *   1. CHROME_PATH, if set (and then only there: a wrong setting is an error, not a fallback);
 *   2. the usual install locations of the platform (Debian's and Ubuntu's chromium, Google Chrome,
 *      the macOS app bundles), then the same program names on PATH;
 *   3. the Chromium that `npx playwright-core install chromium` downloads;
 *   4. Playwright's channels (an installed Chrome or Edge wherever Playwright knows to look).
 *
 * None there: the error says what to install on this OS.
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser, BrowserType, LaunchOptions } from 'playwright-core';

export interface Machine {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  isExecutable: (path: string) => boolean;
  /** Where `npx playwright-core install chromium` puts its Chromium (it may not be there). */
  playwrightChromium: string | undefined;
}

const MAC_APPS = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium'];
const LINUX_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
];
const PROGRAM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** Playwright's names for installed branded browsers, tried by launching when no executable is found. */
export const CHANNELS = ['chrome', 'msedge'];

export class BrowserNotFoundError extends Error {}

/** What to install, for this OS, in one message. */
export const installAdvice = (platform: NodeJS.Platform): string => {
  const perOs =
    platform === 'darwin'
      ? 'On macOS: `brew install --cask google-chrome` (or `brew install --cask chromium`), or install Chrome from https://www.google.com/chrome/.'
      : platform === 'linux'
        ? 'On Debian: `sudo apt-get install chromium fonts-liberation`; on Ubuntu: `sudo snap install chromium`; on Fedora: `sudo dnf install chromium`.'
        : 'Install Google Chrome from https://www.google.com/chrome/.';
  return [
    'The docs page test (tests/http/docs-page.test.ts) needs Chrome or Chromium, and found neither.',
    perOs,
    'On any OS, `npx playwright-core install chromium` downloads one where this test finds it;',
    'or point CHROME_PATH at a Chrome or Chromium executable.',
  ].join(' ');
};

/** The executables to try, best first (CHROME_PATH, when set, alone). */
export const candidatePaths = (machine: Machine): string[] => {
  const { platform, env, home } = machine;
  const chosen = env.CHROME_PATH?.trim();
  if (chosen) return [chosen];
  const known =
    platform === 'darwin' ? MAC_APPS.flatMap((app) => [join('/Applications', app), join(home, 'Applications', app)]) : platform === 'linux' ? LINUX_PATHS : [];
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((folder) => folder !== '')
    .flatMap((folder) => PROGRAM_NAMES.map((name) => join(folder, name)));
  return [...new Set([...known, ...onPath, ...(machine.playwrightChromium === undefined ? [] : [machine.playwrightChromium])])];
};

/**
 * An executable browser of `machine`, or undefined when only the channels are left to try.
 * @throws BrowserNotFoundError when CHROME_PATH names no executable
 */
export const findBrowserExecutable = (machine: Machine): string | undefined => {
  const found = candidatePaths(machine).find((path) => machine.isExecutable(path));
  const chosen = machine.env.CHROME_PATH?.trim();
  if (chosen && found === undefined) {
    throw new BrowserNotFoundError(`CHROME_PATH is ${JSON.stringify(chosen)}, which is not an executable file. ${installAdvice(machine.platform)}`);
  }
  return found;
};

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const thisMachine = (browserType: BrowserType): Machine => {
  let playwrightChromium: string | undefined;
  try {
    playwrightChromium = browserType.executablePath();
  } catch {
    // playwright-core names no download for this platform
  }
  return { platform: process.platform, env: process.env, home: homedir(), isExecutable, playwrightChromium };
};

/**
 * Launches the first browser found on this machine.
 * @throws BrowserNotFoundError naming what to install, when there is none
 */
export const launchBrowser = async (browserType: BrowserType, options: LaunchOptions): Promise<Browser> => {
  const machine = thisMachine(browserType);
  const executablePath = findBrowserExecutable(machine);
  if (executablePath !== undefined) return browserType.launch({ ...options, executablePath });
  const failures: string[] = [];
  for (const channel of CHANNELS) {
    try {
      return await browserType.launch({ ...options, channel });
    } catch (error) {
      failures.push(`channel ${channel}: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  throw new BrowserNotFoundError(`${installAdvice(machine.platform)} (Tried: ${candidatePaths(machine).join(', ')}; ${failures.join('; ')}.)`);
};
