/**
 * How the docs page test finds a browser (tests/helpers/browser.ts), on
 * stand-in machines: a platform, an environment, and the set of files that
 * are executable there.
 */
import { BrowserNotFoundError, candidatePaths, findBrowserExecutable, installAdvice, type Machine } from '../helpers/browser';

const machine = (platform: NodeJS.Platform, executables: string[], env: Record<string, string> = {}): Machine => ({
  platform,
  env: { PATH: '/usr/local/bin:/usr/bin', ...env },
  home: '/home/dev',
  isExecutable: (path) => executables.includes(path),
  playwrightChromium: '/home/dev/.cache/ms-playwright/chromium-1/chrome-linux64/chrome',
});

const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
const MAC_CHROMIUM = '/Applications/Chromium.app/Contents/MacOS/Chromium';

describe('findBrowserExecutable', () => {
  it('finds Debian’s chromium, Ubuntu’s snap and Google Chrome on Linux', () => {
    expect(findBrowserExecutable(machine('linux', ['/usr/bin/chromium']))).toBe('/usr/bin/chromium');
    expect(findBrowserExecutable(machine('linux', ['/snap/bin/chromium']))).toBe('/snap/bin/chromium');
    expect(findBrowserExecutable(machine('linux', ['/usr/bin/google-chrome-stable']))).toBe('/usr/bin/google-chrome-stable');
  });

  it('finds the Chrome and Chromium app bundles on macOS, system-wide or in ~/Applications, Chrome first', () => {
    expect(findBrowserExecutable(machine('darwin', [MAC_CHROME, MAC_CHROMIUM]))).toBe(MAC_CHROME);
    expect(findBrowserExecutable(machine('darwin', [MAC_CHROMIUM]))).toBe(MAC_CHROMIUM);
    const inHome = '/home/dev/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findBrowserExecutable(machine('darwin', [inHome]))).toBe(inHome);
    // Linux locations mean nothing on a Mac.
    expect(candidatePaths(machine('darwin', []))).not.toContain('/snap/bin/chromium');
  });

  it('finds a browser on PATH by its usual names', () => {
    expect(findBrowserExecutable(machine('linux', ['/opt/tools/chromium'], { PATH: '/opt/tools' }))).toBe('/opt/tools/chromium');
    expect(findBrowserExecutable(machine('darwin', ['/opt/homebrew/bin/chromium'], { PATH: '/opt/homebrew/bin' }))).toBe('/opt/homebrew/bin/chromium');
  });

  it('falls back to the Chromium Playwright downloaded, after the installed ones', () => {
    const { playwrightChromium } = machine('linux', []);
    expect(findBrowserExecutable(machine('linux', [playwrightChromium!]))).toBe(playwrightChromium);
    expect(findBrowserExecutable(machine('linux', [playwrightChromium!, '/usr/bin/chromium']))).toBe('/usr/bin/chromium');
  });

  it('takes CHROME_PATH over everything, and fails (naming it) when it is no executable', () => {
    const custom = '/opt/chrome-canary/chrome';
    expect(findBrowserExecutable(machine('linux', ['/usr/bin/chromium', custom], { CHROME_PATH: custom }))).toBe(custom);
    expect(() => findBrowserExecutable(machine('linux', ['/usr/bin/chromium'], { CHROME_PATH: '/nowhere/chrome' }))).toThrow(BrowserNotFoundError);
    expect(() => findBrowserExecutable(machine('linux', [], { CHROME_PATH: '/nowhere/chrome' }))).toThrow(/CHROME_PATH is "\/nowhere\/chrome"/);
  });

  it('leaves the choice to Playwright’s channels when nothing is found', () => {
    expect(findBrowserExecutable(machine('linux', []))).toBeUndefined();
    expect(findBrowserExecutable(machine('darwin', []))).toBeUndefined();
  });
});

describe('installAdvice', () => {
  it('says what to install on each OS, and the ways that work anywhere', () => {
    expect(installAdvice('darwin')).toContain('brew install --cask google-chrome');
    expect(installAdvice('darwin')).not.toContain('apt-get');
    expect(installAdvice('linux')).toContain('sudo apt-get install chromium fonts-liberation');
    expect(installAdvice('linux')).not.toContain('brew');
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      expect(installAdvice(platform)).toContain('npx playwright-core install chromium');
      expect(installAdvice(platform)).toContain('CHROME_PATH');
    }
  });
});
