import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineExporter } from '@llmmon/metrics-core';
import { startDefinition } from '@llmmon/metrics-core/testing';
import { simulatorDefinition, simulatorParts } from '../src/definition';
import type { Simulator } from '../src/simulator';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const DIST = join(__dirname, '../../../dist/apps');

/** A simulator on an ephemeral loopback port with a manual clock and its own data dir. */
export async function startSimulator(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'llmmon-sim-')),
) {
  let sim!: Simulator;
  // The simulator's definition, served in-process as its app serves it, keeping hold of the
  // Simulator; run from sources, it finds its bundled nvidia-smi shim in dist/.
  const started = await startDefinition(
    defineExporter({
      ...simulatorDefinition,
      build: (config, ctx) => {
        const built = simulatorParts(config, ctx, { nvidiaSmiScript: join(DIST, 'simulator/nvidia-smi.js') });
        sim = built.sim;
        return built.parts;
      },
    }),
    {
      ADMIN_TOKEN,
      SIM_DATA_DIR: dataDir,
      SIM_CLOCK: 'manual',
      SIM_START_TIME: '2025-11-18T14:30:00Z',
      SIM_VLLM_BASE_PORT: '0',
      SIM_DOCKER_PORT: '0',
      SIM_LITELLM_PORT: '0',
      SIM_LANGFUSE_PORT: '0',
      ...env,
    },
  );
  return {
    sim,
    url: started.url,
    dataDir,
    stop: () => started.stop(),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export function put(url: string, body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    body,
  });
}

/**
 * Key paths with their JSON types, to compare a response's shape (not its values) with a
 * fixture. `arrays`: also describe each array's first element.
 */
export function shape(
  o: unknown,
  opts: { depth: number; arrays: boolean },
  prefix = '',
  level = 0,
): string[] {
  if (o === null) return [`${prefix}:null`];
  if (Array.isArray(o)) {
    return [
      `${prefix}:array`,
      ...(opts.arrays && o.length && level < opts.depth ? shape(o[0], opts, `${prefix}[]`, level + 1) : []),
    ];
  }
  if (typeof o !== 'object') return [`${prefix}:${typeof o}`];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => [
    `${prefix}.${k}`,
    ...(level < opts.depth ? shape(v, opts, `${prefix}.${k}`, level + 1) : []),
  ]);
}
