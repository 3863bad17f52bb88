/**
 * NVML, played by the simulator: the NVML stand-in library (libs/fixtures/nvml-stub, bundled next
 * to the simulator) compiled with gcc to read a state file the simulator rewrites at each tick.
 * The GPU exporter loads it as it would load NVIDIA's libnvidia-ml.so.1, so the NVML source, its
 * worker thread, XID events and the energy counter run against the simulated GPUs too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuSnapshot } from '../nvidia-smi/state';

/** The snapshot as the stand-in library reads it: one record per line, key=value fields, name last. */
export function nvmlStateText(snap: GpuSnapshot): string {
  const lines: string[] = [];
  for (const g of snap.gpus) {
    lines.push(
      [
        'gpu',
        `index=${g.index}`,
        `uuid=${g.uuid}`,
        `bus_id=${g.pciBusId}`,
        // RESET_REQUIRED: every reading fails, identity still answers (as nvidia-smi's "[GPU requires reset]").
        `fault=${g.resetRequired ? 16 : 0}`,
        `util=${g.utilizationPct}`,
        `mem_util=${g.memoryUtilizationPct}`,
        `temp=${g.temperatureC}`,
        `mem_total_mib=${g.memoryTotalMiB}`,
        `mem_reserved_mib=${g.memoryReservedMiB}`,
        `mem_used_mib=${g.memoryUsedMiB}`,
        `power_mw=${Math.round(g.powerW * 1000)}`,
        `limit_mw=${Math.round(g.powerLimitW * 1000)}`,
        `energy_mj=${g.energyMj}`,
        `sm_mhz=${g.smClockMHz}`,
        `max_sm_mhz=${g.maxSmClockMHz}`,
        `mem_mhz=${g.memClockMHz}`,
        `pstate=${Number(g.pstate.slice(1))}`,
        `reasons=${g.clockEventReasons}`,
        `mig=${g.migMode ? 1 : 0}`,
        `pcie_tx=${g.pcieTxBytes}`,
        `pcie_rx=${g.pcieRxBytes}`,
        `nvlinks=${g.nvlinks}`,
        `nvlink_tx_kib=${Math.round(g.nvlinkTxBytes / 1024)}`,
        `nvlink_rx_kib=${Math.round(g.nvlinkRxBytes / 1024)}`,
        `name=${g.name}`,
      ].join(' '),
    );
    for (const m of g.mig) {
      lines.push(
        `mig gpu=${g.index} uuid=${m.uuid} gi=${m.gpuInstanceId} ci=${m.computeInstanceId} ` +
          `mem_total_mib=${m.memoryTotalMiB} mem_used_mib=${m.memoryUsedMiB} name=${g.name} MIG ${m.profile}`,
      );
    }
    for (const p of g.processes) {
      const mig = p.gpuInstanceId === undefined ? '' : ` gi=${p.gpuInstanceId} ci=${p.computeInstanceId}`;
      lines.push(`proc gpu=${g.index} pid=${p.pid} used_mib=${p.usedMiB}${mig}`);
    }
  }
  for (const x of snap.xids) lines.push(`xid seq=${x.seq} gpu=${x.gpu} code=${x.code}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Compiles the stand-in library for `stateFile` into `<dir>/libnvidia-ml.so.1`. Returns its path,
 * or why there is none (no bundled source when run from sources, no gcc): the GPU exporter then
 * finds no NVML and reads nvidia-smi, as on a host without the driver's library.
 */
export function buildNvmlDriver(
  dir: string,
  stateFile: string,
  source: string,
): { library: string } | { reason: string } {
  if (!existsSync(source)) return { reason: `${source} is not there (running from sources)` };
  mkdirSync(dir, { recursive: true });
  const library = join(dir, 'libnvidia-ml.so.1');
  try {
    execFileSync(
      'gcc',
      ['-shared', '-fPIC', '-O1', `-DSTUB_SIM_STATE=${JSON.stringify(stateFile)}`, '-o', library, source],
      { timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return { library };
  } catch (err) {
    return { reason: `gcc could not build it: ${(err as Error).message.split('\n')[0]}` };
  }
}
