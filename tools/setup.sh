#!/usr/bin/env bash
# Idempotent set-up behind `npm test` and `npm run demo`: npm dependencies, then the Debian
# packages that the tests and the demo run for real (Prometheus, promtool, node_exporter,
# Alertmanager, Chromium, VictoriaMetrics, and the container engine the deployment tests run:
# podman with runc, docker-compose, debootstrap for the test base images).
# Safe to run again: it only installs what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "[setup] Node.js 20 or newer is required (found $(node -v))." >&2
  exit 1
fi

# npm: (re)install when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci, ~2 min on a fresh machine)…"
  npm ci --no-audit --no-fund --loglevel=error
else
  say "npm dependencies are up to date"
fi

# Debian packages, by the command each provides.
declare -A packages=(
  [prometheus]=prometheus
  [promtool]=prometheus
  [prometheus-node-exporter]=prometheus-node-exporter
  # The GPU exporter's tests compile a stand-in libnvidia-ml.so with it.
  [gcc]=gcc
  # The container engine of the engine suites (infra:e2e-engine): podman serving the Docker
  # Engine API, runc (crun fails on a mixed cgroup hierarchy), netavark + aardvark-dns (bridge
  # networks with service names), and docker-compose driving it.
  [docker-compose]=docker-compose
  [podman]=podman
  [runc]=runc
  [/usr/lib/podman/netavark]=netavark
  [/usr/lib/podman/aardvark-dns]=aardvark-dns
  [iptables]=iptables
  # Makes the Debian root file systems of the test base images (no Docker Hub here).
  [debootstrap]=debootstrap
  # Alertmanager and amtool (check-config in npm test; the demo runs it).
  [prometheus-alertmanager]=prometheus-alertmanager
  [amtool]=prometheus-alertmanager
  # Renders the panel plugins in a real browser (playwright-core drives it; never a download).
  [chromium]=chromium
  # The fleet's central store (npm run demo -- --hosts N; the fleet tests): single node, vmagent, vmalert.
  [victoria-metrics]=victoria-metrics
  [vmagent]=victoria-metrics
  [vmalert]=victoria-metrics
)
missing=()
for cmd in "${!packages[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${packages[$cmd]}")
done
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d')

if [ "${#missing[@]}" -eq 0 ]; then
  say "Debian packages present: $(printf '%s\n' "${packages[@]}" | sort -u | xargs)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian packages: ${missing[*]} (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  if apt-get update -qq >"$log" 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    say "installed ${missing[*]}"
    rm -f "$log"
  else
    cat "$log" >&2
    echo "[setup] apt-get failed (full output above)" >&2
    exit 1
  fi
else
  echo "[setup] missing Debian packages: ${missing[*]}" >&2
  echo "[setup] install them as root:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
