# Shared by setup-system.sh and setup-browser.sh (sourced, not run): may this machine apt-get
# install? The callers never fail the build, so every obstacle is one line and a return of 1.

# apt_ready WHAT SKIPPED: find root or password-less sudo (sets SUDO) and run apt-get update.
# Without apt-get, privileges or network it says why, naming WHAT could not be installed and
# SKIPPED (what is skipped without it), with the caller's ``say``, and returns 1.
apt_ready() {
    local what=$1 skipped=$2
    if ! command -v apt-get >/dev/null 2>&1; then
        say "apt-get is not available; cannot install $what ($skipped)"
        return 1
    fi
    SUDO=""
    if [ "$(id -u)" != "0" ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO="sudo -n"
        else
            say "not root and no password-less sudo; cannot install $what ($skipped)"
            return 1
        fi
    fi
    say "installing $what with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get update -qq >/dev/null 2>&1; then
        say "apt-get update failed; $skipped"
        return 1
    fi
}
