#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, Node 20) into an ignored cache folder so that the
# integration and e2e layers can run the real VS Code extension host on machines without a desktop
# VS Code. Native modules are rebuilt against the machine's Node because code-server's prebuilt
# binaries target its own Node, and nothing may be downloaded at run time except from npm.
# Idempotent: a finished install leaves a stamp file and is not redone.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="4.100.3"
DEST="${GITOPS_LENS_CACHE:-$ROOT/.cache}/code-server-$VERSION"
STAMP="$DEST/.installed"
if [ -f "$STAMP" ]; then echo "code-server $VERSION already installed in $DEST"; exit 0; fi
bash "$ROOT/scripts/system-packages.sh" base ui build

NODEDIR_ARG=()
# Node headers: use the machine's own where they exist, else node-gyp fetches them.
[ -d /usr/include/node ] && NODEDIR_ARG=(--nodedir=/usr)

mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"code-server-cache","private":true}' > package.json
echo "[setup-code-server] npm install code-server@$VERSION"
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null

VS="$DEST/node_modules/code-server/lib/vscode"
cd "$VS"
echo "[setup-code-server] installing VS Code server dependencies"
npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg

NODE_GYP="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
for mod in kerberos @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog node-pty; do
  if [ -d "node_modules/$mod" ]; then
    echo "[setup-code-server] node-gyp rebuild $mod"
    (cd "node_modules/$mod" && node "$NODE_GYP" rebuild "${NODEDIR_ARG[@]}" >/dev/null 2>&1) \
      || { echo "node-gyp rebuild failed in $mod" >&2; exit 1; }
  fi
done
[ -e node_modules.asar ] || ln -s node_modules node_modules.asar

echo "[setup-code-server] installing built-in extension dependencies"
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null)

echo "[setup-code-server] building argon2"
(cd "$DEST/node_modules/argon2" && npm run install "${NODEDIR_ARG[@]}" >/dev/null 2>&1) \
  || { echo "argon2 build failed" >&2; exit 1; }

touch "$STAMP"
echo "code-server $VERSION installed in $DEST"
