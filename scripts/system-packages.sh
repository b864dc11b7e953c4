#!/usr/bin/env bash
# The Debian packages the tests and the demo need, in one place (used by .ci/run and
# scripts/setup-code-server.sh, so `npm test` and `npm run demo` set a fresh machine up by themselves).
#   chromium                      drives the UI tests and the demo's smoke check
#   *-dev, pkg-config, ripgrep    let code-server's native modules build and run
#   git (git-http-backend)        the repositories and the forge simulator
#   openssl                       the Kubernetes simulator's TLS certificate
#   openssh-server (+ its client) the push-over-SSH-through-ssh-agent test (test/unit/gitPublish.test.ts)
# Installs what is missing when run as root with apt-get; otherwise names what is missing and fails.
set -euo pipefail
PACKAGES=(git ca-certificates openssl openssh-server openssh-client python3 make g++ pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
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
