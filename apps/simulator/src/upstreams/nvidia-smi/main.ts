/**
 * `nvidia-smi`, played by the simulator: answers the query forms the GPU exporter and
 * common tools use, from the state file the simulator writes (LLMMON_SIM_GPU_STATE).
 * Exit codes follow nvidia-smi: 0 ok, 2 invalid argument, 9 when the "driver" (the state
 * file) is unreachable.
 */
import { readFileSync } from 'node:fs';
import { QueryError, queryComputeApps, queryGpu, queryXml } from './format';
import type { GpuSnapshot } from './state';

function fail(code: number, message: string): never {
  process.stdout.write(`${message}\n`);
  process.exit(code);
}

function option(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === name) return args[i + 1] ?? '';
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}

const args = process.argv.slice(2);
const stateFile = process.env['LLMMON_SIM_GPU_STATE'];
if (args.includes('--version')) {
  process.stdout.write(
    // The last line, which NVIDIA's nvidia-smi never prints, marks the GPUs as simulated.
    'NVIDIA-SMI version  : 575.57.08\nNVML version        : 575.57\nDRIVER version      : 575.57.08\nCUDA Version        : 12.9\nllmmon simulator    : yes\n',
  );
  process.exit(0);
}
let snap: GpuSnapshot;
try {
  snap = JSON.parse(readFileSync(stateFile ?? '', 'utf8')) as GpuSnapshot;
} catch {
  fail(
    9,
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
  );
}

const format = (option(args, '--format') ?? '').split(',').map((s) => s.trim());
const csv = { header: !format.includes('noheader'), units: !format.includes('nounits') };
const ids = option(args, '-i') ?? option(args, '--id');
const only = ids === undefined ? undefined : ids.split(',').map((s) => Number(s.trim()));
if (only?.some((i) => !Number.isInteger(i) || i < 0 || i >= snap.gpus.length)) {
  fail(6, `No devices were found matching "${ids}"`);
}

try {
  const gpuFields = option(args, '--query-gpu');
  const appFields = option(args, '--query-compute-apps');
  if (gpuFields !== undefined) {
    if (!format.includes('csv')) fail(2, '--format=csv is required with --query-gpu');
    process.stdout.write(queryGpu(snap, gpuFields, csv, only));
  } else if (appFields !== undefined) {
    if (!format.includes('csv')) fail(2, '--format=csv is required with --query-compute-apps');
    process.stdout.write(queryComputeApps(snap, appFields, csv));
  } else if (args.includes('-q') && args.includes('-x')) {
    process.stdout.write(queryXml(snap, only));
  } else if (args.includes('-L')) {
    process.stdout.write(
      snap.gpus.map((g) => `GPU ${g.index}: ${g.name} (UUID: ${g.uuid})`).join('\n') + '\n',
    );
  } else {
    fail(2, `Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.`);
  }
} catch (e) {
  if (e instanceof QueryError) fail(2, e.message);
  throw e;
}
