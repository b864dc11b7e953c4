#!/usr/bin/env bash
# The Debian packages the tests and the demo need, in one place. Used by .ci/run (everything), by
# scripts/preflight.mjs before `npm test` runs any layer and before `npm run demo` starts anything, and
# by scripts/setup-code-server.sh, so that a fresh machine is set up by the README's two commands.
# Usage: system-packages.sh [GROUP...]   (no group: all of them)
#   base   git (git-http-backend)          the repositories and the forge simulator
#          openssl                         the Kubernetes simulator's TLS certificate
#          openssh-server (+ its client)   the push-over-SSH-through-ssh-agent test (test/unit/infra/git/gitPublish.test.ts)
#          gnupg                           a signed commit in the audit history tests (test/unit/core/audit/auditGitHistory.test.ts)
#   ui     chromium                        drives the UI tests and the demo's smoke check
#          ripgrep                         VS Code's search, linked into code-server
#   build  python3, make, g++, pkg-config, *-dev   let code-server's native modules build
# Installs what is missing when run as root with apt-get; otherwise names what is missing and fails.
set -euo pipefail
declare -A GROUPS_OF=(
  [base]="git ca-certificates openssl openssh-server openssh-client gnupg"
  [ui]="chromium ripgrep"
  [build]="python3 make g++ pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev"
)
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(base ui build)
PACKAGES=()
for g in "${wanted[@]}"; do
  [ -n "${GROUPS_OF[$g]:-}" ] || { echo "[system-packages] unknown group \"$g\" (base, ui, build)" >&2; exit 2; }
  read -r -a list <<<"${GROUPS_OF[$g]}"
  PACKAGES+=("${list[@]}")
done

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  # Not Debian: check what each package provides instead, and name the Debian packages to look for.
  declare -A PROVIDES=(
    [git]="git" [openssl]="openssl" [openssh-server]="/usr/sbin/sshd" [openssh-client]="ssh" [gnupg]="gpg" [chromium]="${CHROMIUM_PATH:-chromium}"
    [ripgrep]="rg" [python3]="python3" [make]="make" [g++]="g++" [pkg-config]="pkg-config"
  )
  for p in "${PACKAGES[@]}"; do
    what="${PROVIDES[$p]:-}"
    if [ -n "$what" ]; then command -v "$what" >/dev/null || [ -x "$what" ] || missing+=("$p")
    elif [ "$p" != ca-certificates ]; then
      pc="${p%-dev}"; pc="${pc#lib}"; [ "$pc" = "secret-1" ] && pc="libsecret-1"
      pkg-config --exists "$pc" 2>/dev/null || missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[system-packages] missing (Debian package names; install your system's equivalents): ${missing[*]}" >&2
    exit 1
  fi
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "[system-packages] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[system-packages] missing Debian packages: ${missing[*]}" >&2
  echo "[system-packages] install them (as root: apt-get install ${missing[*]}) and run again" >&2
  exit 1
fi
