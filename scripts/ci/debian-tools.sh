#!/usr/bin/env bash
# Installs the real third-party clients the integration tests drive: Neovim (the headless LSP client of
# test/lsp/neovim.test.ts) and pre-commit (test/cli/pre-commit.test.ts), from Debian's packages.
# Idempotent: does nothing (not even `apt-get update`) when both are installed. Needs root to install;
# two runs on one machine take turns (flock), and apt waits for a dpkg lock held by another installer.
#
#   scripts/ci/debian-tools.sh [--check]     --check: exit 1 if something is missing, install nothing
set -euo pipefail

PACKAGES=(neovim pre-commit)
COMMANDS=(nvim pre-commit)

missing() {
  local i
  for i in "${!PACKAGES[@]}"; do
    command -v "${COMMANDS[$i]}" >/dev/null 2>&1 || echo "${PACKAGES[$i]}"
  done
}

mapfile -t todo < <(missing)
[ "${#todo[@]}" -eq 0 ] && exit 0
if [ "${1:-}" = --check ]; then echo "missing: ${todo[*]}" >&2; exit 1; fi
if [ "$(id -u)" != 0 ]; then
  echo "seaworthy tests: missing Debian packages: ${todo[*]} (run as root, or: sudo apt-get install -y ${todo[*]})" >&2
  exit 1
fi

exec 9>"${TMPDIR:-/tmp}/seaworthy-debian-tools.lock"
flock 9
mapfile -t todo < <(missing)   # another run may have installed them while this one waited
[ "${#todo[@]}" -eq 0 ] && exit 0
echo "seaworthy tests: apt-get install ${todo[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${todo[@]}" >/dev/null
for c in "${COMMANDS[@]}"; do command -v "$c" >/dev/null || { echo "seaworthy tests: $c still missing after apt-get install" >&2; exit 1; }; done
