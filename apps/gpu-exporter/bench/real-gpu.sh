#!/usr/bin/env bash
# Runs the built GPU exporter against this machine's real GPUs, once per source, and prints
# each scrape's GPU families and the source's read time. For a machine with an NVIDIA driver:
#   npx nx build gpu-exporter && bash apps/gpu-exporter/bench/real-gpu.sh
# NVML_LIBRARY overrides the library (e.g. the test stub, to try the script without a GPU).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
main="$root/dist/apps/gpu-exporter/main.js"
[ -x "$main" ] || { echo "missing $main: run npx nx build gpu-exporter" >&2; exit 2; }
port="${PORT:-19445}"
for source in nvml nvidia-smi; do
  echo "=== GPU_SOURCE=$source"
  HOST=127.0.0.1 PORT="$port" GPU_SOURCE="$source" DOCKER_ENABLED="${DOCKER_ENABLED:-true}" \
    LOG_LEVEL=warn "$main" &
  pid=$!
  # Ready once the first read is done; a source that cannot read never gets ready.
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
  sleep 1
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^llmmon_(gpu|source)_' || true
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
