#!/usr/bin/env bash
# The system packages the test suite needs, installed only where missing:
#   Java 17+            DynamoDB Local (every integration and HTTP test)
#   Chrome or Chromium  the docs page test (tests/http/docs-page.test.ts, found by tests/helpers/browser.ts)
# Runs before `npm test` and in CI (before `npm ci`, so plain bash). Installs with apt-get where that
# works (root on Debian or Ubuntu); anywhere else (macOS, or no root) it says what to install and
# leaves the machine alone.
set -euo pipefail

# The places tests/helpers/browser.ts looks (its channels aside), so both agree on "missing".
has_browser() {
  if [ -n "${CHROME_PATH:-}" ]; then [ -x "$CHROME_PATH" ]; return; fi
  local candidate
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser /snap/bin/chromium /usr/bin/google-chrome /usr/bin/google-chrome-stable \
    /opt/google/chrome/chrome \
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" "/Applications/Chromium.app/Contents/MacOS/Chromium" \
    "$HOME/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" "$HOME/Applications/Chromium.app/Contents/MacOS/Chromium"; do
    [ -x "$candidate" ] && return 0
  done
  for candidate in chromium chromium-browser google-chrome google-chrome-stable chrome; do
    command -v "$candidate" >/dev/null 2>&1 && return 0
  done
  # What `npx playwright-core install chromium` downloads (Linux and macOS cache folders).
  compgen -G "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/chromium-*" >/dev/null && return 0
  compgen -G "$HOME/Library/Caches/ms-playwright/chromium-*" >/dev/null && return 0
  return 1
}

java_missing=false
browser_missing=false
command -v java >/dev/null 2>&1 || java_missing=true
has_browser || browser_missing=true
[ "$java_missing" = false ] && [ "$browser_missing" = false ] && exit 0

if [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  packages=()
  [ "$java_missing" = true ] && packages+=(openjdk-17-jre-headless)
  [ "$browser_missing" = true ] && packages+=(chromium fonts-liberation)
  echo "Installing ${packages[*]} (needed by the tests)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${packages[@]}" >&2
  exit 0
fi

{
  echo "The tests need what is missing below; continuing without it (the tests that need it will fail and say so)."
  case "$(uname -s)" in
    Darwin)
      [ "$java_missing" = true ] && echo "  Java 17+:  brew install openjdk@17   (then follow brew's note to put it on PATH)"
      [ "$browser_missing" = true ] && echo "  A browser: brew install --cask google-chrome   (or install Chrome from https://www.google.com/chrome/)"
      ;;
    Linux)
      [ "$java_missing" = true ] && echo "  Java 17+:  sudo apt-get install openjdk-17-jre-headless   (Fedora: sudo dnf install java-17-openjdk-headless)"
      [ "$browser_missing" = true ] && echo "  A browser: sudo apt-get install chromium fonts-liberation   (Ubuntu: sudo snap install chromium; Fedora: sudo dnf install chromium)"
      ;;
    *)
      [ "$java_missing" = true ] && echo "  Java 17+:  a JDK or JRE 17 or later, on PATH"
      [ "$browser_missing" = true ] && echo "  A browser: Google Chrome (https://www.google.com/chrome/)"
      ;;
  esac
  [ "$browser_missing" = true ] && echo "  Or, for the browser on any OS: npx playwright-core install chromium; or set CHROME_PATH to a Chrome or Chromium executable."
} >&2
exit 0
