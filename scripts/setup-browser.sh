#!/usr/bin/env bash
# Install Debian's chromium for xxgk's end-to-end web tests (Playwright drives /usr/bin/chromium;
# no browser is ever downloaded by Playwright itself).
# Idempotent: does nothing when chromium is present. Never fails the build: without apt-get,
# root or network it says so in one line and exits 0; the browser tests then skip with a reason.
set -u

say() { printf 'setup-browser: %s\n' "$*"; }
# shellcheck source=apt-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-common.sh"

if [ -x /usr/bin/chromium ]; then
    say "chromium is present (/usr/bin/chromium)"
    exit 0
fi
apt_ready chromium "browser tests will be skipped" || exit 0
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1; then
    say "apt-get install chromium failed; browser tests will be skipped"
    exit 0
fi
say "done: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
exit 0
