#!/usr/bin/env bash
# Runs the built GPU exporter against this machine's real GPUs, once per source, while a
# PyTorch load (when python3 has torch) keeps a process on GPU 0. For each source it prints
# the GPU families of one scrape, the source's read time (10 samples), the exporter's
# CPU for the reads and per scrape, and nvidia-smi's own reading beside ours (identity,
# readings, processes, MIG mode, PCIe link and replays, NVLink state and errors: read-only
# queries, no setting or MIG mode is ever changed). For a machine with an
# NVIDIA driver:
#   npx nx build gpu-exporter && bash apps/gpu-exporter/bench/real-gpu.sh
# NODE picks the node binary; NVML_LIBRARY the library (e.g. the test stub, to try the script
# without a GPU); RESULTS_DIR, when set, receives each full scrape. Uses no curl: node only.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
main="$root/dist/apps/gpu-exporter/main.js"
node="${NODE:-node}"
[ -f "$main" ] || { echo "missing $main: run npx nx build gpu-exporter" >&2; exit 2; }
port="${PORT:-19445}"
results="${RESULTS_DIR:-}"

get() { "$node" -e 'fetch(process.argv[1]).then(async (r) => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); }, () => process.exit(1))' "$1"; }
cpu_ms() { awk '{ print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }

load_pid=""
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  python3 -c '
import time, torch
x = torch.randn(8192, 8192, device="cuda")
end = time.time() + 120
while time.time() < end:
    for _ in range(50): x = (x @ x).clamp_(-1, 1)
    torch.cuda.synchronize(); time.sleep(0.5)
' &
  load_pid=$!
  sleep 8
fi

for source in nvml nvidia-smi; do
  echo "=== GPU_SOURCE=$source"
  HOST=127.0.0.1 PORT="$port" GPU_SOURCE="$source" GPU_REFRESH_SECONDS=1 SCRAPE_CACHE_SECONDS=0 \
    GPU_STATE_DIR="$(mktemp -d)" \
    DOCKER_ENABLED="${DOCKER_ENABLED:-false}" LOG_LEVEL=warn \
    "$node" --max-semi-space-size=2 --max-old-space-size=128 "$main" &
  pid=$!
  # Ready once the first read is done; a source that cannot read never gets ready.
  ready=""
  for _ in $(seq 1 100); do
    get "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && ready=1 && break
    sleep 0.2
  done
  if [ -z "$ready" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "not ready after 20 s, or exited"
    kill "$pid" 2>/dev/null || true
    continue
  fi
  sleep 10 # start-up (JIT) CPU is not what a running exporter costs
  cpu0=$(cpu_ms "$pid")
  sleep 10
  cpu1=$(cpu_ms "$pid")
  idle=$(awk "BEGIN { printf \"%.2f\", ($cpu1 - $cpu0) / 10 }")
  echo "exporter CPU with one read per second and no scrapes: $idle ms per second"
  # The last read's duration, sampled once a second for 10 s.
  durations=""
  for _ in $(seq 1 10); do
    durations+="$(get "http://127.0.0.1:$port/metrics" | awk '/^llmmon_upstream_read_duration_seconds\{.*upstream="(nvml|nvidia-smi)"/ { printf "%.1f ", $2 * 1000 }')"
    sleep 1
  done
  echo "source read time, ms (10 samples): $durations"
  scrape="$(get "http://127.0.0.1:$port/metrics")"
  [ -n "$results" ] && printf '%s\n' "$scrape" >"$results/scrape-$source.prom"
  nvidia-smi --query-gpu=index,temperature.gpu,power.draw,utilization.gpu,memory.used,memory.total \
    --format=csv 2>&1 || true
  nvidia-smi --query-compute-apps=pid,used_memory --format=csv 2>&1 || true
  # Health, MIG, PCIe and NVLink as nvidia-smi sees them (read-only queries: nothing is set).
  nvidia-smi --query-gpu=index,mig.mode.current,pcie.link.gen.current,pcie.link.width.current,remapped_rows.pending,remapped_rows.failure \
    --format=csv 2>&1 || true
  nvidia-smi -q -d PCIE 2>&1 | grep -E 'GPU 0|Replays|Tx Throughput|Rx Throughput' || true
  nvidia-smi nvlink -s -i 0 2>&1 | head -20 || true
  nvidia-smi nvlink -e -i 0 2>&1 | head -20 || true
  echo "--- ours: health, XID, PCIe, NVLink, MIG (the full scrape follows)"
  printf '%s\n' "$scrape" | grep -E '^llmmon_gpu_(health\{.*\} 1$|xid_errors_total\{.*\} [1-9]|last_xid|pcie_(bytes|replays)|nvlink_(errors|bytes_total\{.*link="0")|nvlink_up\{.*gpu="0"|mig)' || true
  printf '%s\n' "$scrape" | grep -E '^llmmon_(gpu|upstream)_' || true
  cpu2=$(cpu_ms "$pid")
  # 200 sequential scrapes on one keep-alive connection; the background reads' CPU over the
  # same seconds (measured above) is taken off.
  seconds=$("$node" -e '
    const url = process.argv[1], started = Date.now();
    (async () => { for (let i = 0; i < 200; i++) await (await fetch(url)).text();
      console.log((Date.now() - started) / 1000); })();' "http://127.0.0.1:$port/metrics")
  cpu3=$(cpu_ms "$pid")
  echo "exporter CPU per scrape (200 sequential scrapes in ${seconds} s, no scrape cache): $(awk "BEGIN { printf \"%.2f\", ($cpu3 - $cpu2 - $idle * $seconds) / 200 }") ms"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
