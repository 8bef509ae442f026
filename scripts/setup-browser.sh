#!/usr/bin/env bash
# Install Debian's chromium for xxgk's end-to-end web tests (Playwright drives /usr/bin/chromium;
# no browser is ever downloaded by Playwright itself).
# Idempotent: does nothing when chromium is present. Never fails the build: without apt-get,
# root or network it says so in one line and exits 0; the browser tests then skip with a reason.
set -u

say() { printf 'setup-browser: %s\n' "$*"; }

if [ -x /usr/bin/chromium ]; then
    say "chromium is present (/usr/bin/chromium)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get is not available; cannot install chromium (browser tests will be skipped)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        say "not root and no password-less sudo; cannot install chromium (browser tests will be skipped)"
        exit 0
    fi
fi
say "installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq >/dev/null 2>&1; then
    say "apt-get update failed; browser tests will be skipped"
    exit 0
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1; then
    say "apt-get install chromium failed; browser tests will be skipped"
    exit 0
fi
say "done: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
exit 0
