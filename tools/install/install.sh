#!/usr/bin/env bash
# Installs llmmon's exporters as systemd services on a host without Docker: each exporter as
# its own service, or all of them in one with --apps agent.
#   sudo tools/install/install.sh [--apps "system-exporter gpu-exporter …" | --apps agent] [--root DIR] [--no-systemctl] [--no-npm]
# --root installs under DIR (packaging, tests); --no-systemctl leaves systemd alone;
# --no-npm skips installing the runtime npm packages into /opt/llmmon/node_modules.
# Safe to run again: it never overwrites an existing /etc/llmmon/<app>.env.
set -euo pipefail
cd "$(dirname "$0")/../.."

apps="system-exporter gpu-exporter container-exporter vllm-exporter litellm-exporter langfuse-exporter"
root=""
systemctl=1
npm_install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --apps) apps="$2"; shift 2 ;;
    --root) root="$2"; shift 2 ;;
    --no-systemctl) systemctl=0; shift ;;
    --no-npm) npm_install=0; shift ;;
    *) echo "[install] unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
say() { printf '[install] %s\n' "$*"; }

for app in $apps; do
  [ -d "apps/$app" ] || { echo "[install] no app named $app (apps/$app)" >&2; exit 2; }
done
command -v node >/dev/null || { echo "[install] Node.js 20 or newer is required on this host" >&2; exit 1; }

prefix="$root/opt/llmmon"
etc="$root/etc/llmmon"
units="$root/etc/systemd/system"
mkdir -p "$prefix" "$etc" "$units"

for app in $apps; do
  if [ ! -f "dist/apps/$app/main.js" ]; then
    say "building $app …"
    npx nx build "$app" --outputStyle=static >/dev/null
  fi
  rm -rf "$prefix/$app"
  cp -r "dist/apps/$app" "$prefix/$app"
  # Starting settings: the defaults, documented in README; edit before starting.
  if [ ! -f "$etc/$app.env" ]; then
    node --import tsx tools/install/env-file.ts "$app" >"$etc/$app.env"
    chmod 0640 "$etc/$app.env"
  fi
  say "installed $app in $prefix/$app, settings in $etc/$app.env"
done
cp README.md "$prefix/README.md"
for app in $apps; do cp "apps/$app/README.md" "$prefix/$app/README.md"; done

# The bundles carry our libraries; third-party packages load from /opt/llmmon/node_modules.
node tools/install/runtime-deps.mjs >"$prefix/package.json"
if [ "$npm_install" -eq 1 ]; then
  say "installing runtime npm packages in $prefix …"
  (cd "$prefix" && npm install --omit=dev --no-audit --no-fund --loglevel=error)
fi

cp infra/systemd/llmmon@.service "$units/llmmon@.service"
# Docker access (read-only use) for the apps that read the Docker API, if the group exists.
for app in $apps; do
  case "$app" in
    gpu-exporter | container-exporter | vllm-exporter | agent)
      mkdir -p "$units/llmmon@$app.service.d"
      printf '[Service]\nSupplementaryGroups=docker\n' >"$units/llmmon@$app.service.d/docker.conf"
      ;;
  esac
done

if [ "$systemctl" -eq 1 ]; then
  id llmmon >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin llmmon
  getent group docker >/dev/null || rm -f "$units"/llmmon@*.service.d/docker.conf
  chgrp llmmon "$etc"/*.env
  systemctl daemon-reload
  for app in $apps; do systemctl enable --now "llmmon@$app"; done
  say "running: systemctl status 'llmmon@*'"
else
  say "systemd untouched: systemctl daemon-reload && systemctl enable --now llmmon@<app>"
fi
