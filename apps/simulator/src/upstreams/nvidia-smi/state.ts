import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildNvmlDriver, nvmlStateText } from '../nvml/driver';
import { DRIVER, HOST, type GpuModel } from '../../world/layout';
import type { World, XidEvent } from '../../world/world';

/** What the nvidia-smi shim reads: the GPUs as the driver would report them right now. */
export interface GpuSnapshot {
  readonly timeMs: number;
  readonly driver: string;
  readonly cuda: string;
  readonly hostname: string;
  readonly gpus: readonly {
    readonly index: number;
    readonly uuid: string;
    readonly pciBusId: string;
    readonly name: string;
    readonly pstate: string;
    readonly utilizationPct: number;
    readonly memoryUtilizationPct: number;
    readonly memoryTotalMiB: number;
    readonly memoryReservedMiB: number;
    readonly memoryUsedMiB: number;
    readonly temperatureC: number;
    readonly memoryTemperatureC: number;
    readonly powerW: number;
    readonly powerLimitW: number;
    readonly smClockMHz: number;
    readonly memClockMHz: number;
    readonly maxSmClockMHz: number;
    readonly thermalSlowdown: boolean;
    /** nvmlClocksEventReasons bits: idle 0x1, thermal slowdown 0x20 (software) | 0x40 (hardware). */
    readonly clockEventReasons: number;
    /** Energy since boot, millijoules (NVML only: nvidia-smi has no query field for it). */
    readonly energyMj: number;
    /** Traffic since boot, bytes (NVML only), and the GPU's NVLinks (an HGX H200 has 18). */
    readonly pcieTxBytes: number;
    readonly pcieRxBytes: number;
    readonly nvlinks: number;
    readonly nvlinkTxBytes: number;
    readonly nvlinkRxBytes: number;
    /** Every reading answers "[GPU requires reset]"; only its identity is printed. */
    readonly resetRequired: boolean;
    readonly idle: boolean;
    readonly processes: readonly {
      pid: number;
      name: string;
      usedMiB: number;
      /** The container it runs in: the simulator's truth, which no driver prints (tests compare with it). */
      container: string;
      /** Its MIG device's GPU and compute instance ids, on a MIG GPU. */
      gpuInstanceId?: number;
      computeInstanceId?: number;
    }[];
    /** MIG enabled: utilization is then unavailable, and the devices are listed. */
    readonly migMode: boolean;
    readonly mig: readonly {
      gpuInstanceId: number;
      computeInstanceId: number;
      uuid: string;
      profile: string;
      memoryTotalMiB: number;
      memoryUsedMiB: number;
    }[];
  }[];
  /** XIDs the driver raised, oldest first (NVML events only). */
  readonly xids: readonly XidEvent[];
}

export function gpuSnapshot(world: World): GpuSnapshot {
  return {
    timeMs: world.timeMs,
    driver: DRIVER.driver,
    cuda: DRIVER.cuda,
    hostname: HOST.hostname,
    gpus: world.gpus.map((g) => ({
      ...modelFigures(g.spec.model),
      index: g.spec.index,
      uuid: g.spec.uuid,
      pciBusId: g.spec.pciBusId,
      pstate: g.pstate,
      utilizationPct: Math.round(g.utilization * 100),
      memoryUtilizationPct: Math.round(g.memoryUtilization * 100),
      memoryUsedMiB: g.memoryUsedMiB,
      temperatureC: Math.round(g.temperatureC),
      memoryTemperatureC: Math.round(g.memoryTemperatureC),
      powerW: Math.round(g.powerW * 100) / 100,
      smClockMHz: g.smClockMHz,
      memClockMHz: g.memClockMHz,
      thermalSlowdown: g.thermalSlowdown,
      clockEventReasons: (g.utilization < 0.01 ? 0x1 : 0) | (g.thermalSlowdown ? 0x40 | 0x20 : 0),
      energyMj: Math.round(g.energyJ * 1000),
      pcieTxBytes: Math.round(g.pcieTxBytes),
      pcieRxBytes: Math.round(g.pcieRxBytes),
      nvlinkTxBytes: Math.round(g.nvlinkTxBytes),
      nvlinkRxBytes: Math.round(g.nvlinkRxBytes),
      resetRequired: g.resetRequired,
      idle: g.utilization < 0.01,
      processes: g.processes.map((p) => ({
        pid: p.pid,
        name: p.name,
        usedMiB: p.usedMiB,
        container: p.container,
        ...(p.mig ? { gpuInstanceId: p.mig.gpuInstanceId, computeInstanceId: p.mig.computeInstanceId } : {}),
      })),
      migMode: g.mig !== undefined,
      mig: (g.mig ?? []).map((m) => ({
        gpuInstanceId: m.spec.gpuInstanceId,
        computeInstanceId: m.spec.computeInstanceId,
        uuid: m.spec.uuid,
        profile: m.spec.profile,
        memoryTotalMiB: m.spec.memoryMiB,
        memoryUsedMiB: m.memoryUsedMiB,
      })),
    })),
    xids: world.xids,
  };
}

/**
 * The simulated GPU driver's outputs: writes the snapshot the nvidia-smi shim and the NVML
 * stand-in read (atomically, so a concurrent call never sees half a file), installs
 * `bin/nvidia-smi` for the GPU exporter's NVIDIA_SMI_PATH and builds `nvml/libnvidia-ml.so.1`
 * for its NVML_LIBRARY.
 */
export class GpuStateWriter {
  readonly stateFile: string;
  readonly nvmlStateFile: string;
  readonly shimPath: string;

  constructor(
    readonly dataDir: string,
    private readonly world: World,
    /** The bundled shim (dist/apps/simulator/nvidia-smi.js, next to the simulator's main.js). */
    private readonly shimScript = join(__dirname, 'nvidia-smi.js'),
    /** The bundled NVML stand-in's source (dist/apps/simulator/nvml_stub.c). */
    private readonly nvmlSource = join(__dirname, 'nvml_stub.c'),
  ) {
    this.stateFile = join(dataDir, 'gpus.json');
    this.nvmlStateFile = join(dataDir, 'nvml', 'state.txt');
    this.shimPath = join(dataDir, 'bin', 'nvidia-smi');
  }

  write(): void {
    const snap = gpuSnapshot(this.world);
    writeAtomically(this.stateFile, JSON.stringify(snap));
    writeAtomically(this.nvmlStateFile, nvmlStateText(snap));
  }

  /** The NVML stand-in for this simulator's GPUs, or why there is none. */
  installNvml(): { library: string } | { reason: string } {
    return buildNvmlDriver(join(this.dataDir, 'nvml'), this.nvmlStateFile, this.nvmlSource);
  }

  /** Returns false when the bundled shim is not there (running from sources). */
  installShim(): boolean {
    if (!existsSync(this.shimScript)) return false;
    const bin = join(this.dataDir, 'bin');
    mkdirSync(bin, { recursive: true });
    // Self-contained in the data directory (script, state file, paths relative to it), so a
    // container that mounts the simulator's volume can run it too (docker compose, mock profile).
    copyFileSync(this.shimScript, join(bin, 'nvidia-smi.js'));
    writeFileSync(
      this.shimPath,
      [
        '#!/bin/sh',
        '# nvidia-smi played by the llmmon simulator (mock data)',
        'here=$(dirname "$0")',
        `node=$(command -v node || echo '${process.execPath}')`,
        'LLMMON_SIM_GPU_STATE="$here/../gpus.json" exec "$node" "$here/nvidia-smi.js" "$@"',
        '',
      ].join('\n'),
    );
    chmodSync(this.shimPath, 0o755);
    return true;
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** What nvidia-smi reports of the GPU's model. */
function modelFigures(m: GpuModel) {
  return {
    name: m.name,
    memoryTotalMiB: m.memoryMiB,
    memoryReservedMiB: m.reservedMiB,
    powerLimitW: m.powerLimitW,
    maxSmClockMHz: m.maxSmClockMHz,
    nvlinks: m.nvlinks,
  };
}
