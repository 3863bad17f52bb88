/**
 * The documentation generated from the code stays in step with it: each app's README lists
 * exactly the variables its definition reads (the root README the common ones, the agent's its
 * own), and docs/metrics.md exactly the families each exporter's collectors declare and those
 * every exporter shares. UPDATE_GOLDEN=1 rewrites the tables (then `npm run format`).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentSchema,
  collectionConfigSchema,
  loadExporterConfig,
  RunningExporter,
  RUNNER_METRICS,
  SELF_METRICS,
  serverConfigSchema,
  silentLogger,
  standaloneSchema,
  UPSTREAM_METRICS,
} from '@llmmon/metrics-core';
import { metricCatalog, readmeConfigTable } from '@llmmon/metrics-core/testing';
import { TOPOLOGY } from '@llmmon/topology';
import { XID_CATALOG } from '@llmmon/exporter-gpu/xid-catalog';

const ROOT = join(__dirname, '../..');
const CATALOG = join(ROOT, 'docs/metrics.md');
const readme = (app: string) => join(ROOT, 'apps', app, 'README.md');

it('the root README lists the variables every exporter has', () => {
  const common = { ...serverConfigSchema(9100), ...collectionConfigSchema() };
  const [actual, expected] = readmeConfigTable(join(ROOT, 'README.md'), 'common', common);
  expect(actual).toEqual(expected);
});

it("the agent's README lists its own variables", () => {
  const [actual, expected] = readmeConfigTable(
    readme('agent'),
    'agent',
    agentSchema(TOPOLOGY.map((t) => t.definition)),
  );
  expect(actual).toEqual(expected);
});

it('the metric catalogue lists the families every exporter shares', () => {
  const core = {
    name: 'core',
    metrics: [...RUNNER_METRICS, ...SELF_METRICS, ...UPSTREAM_METRICS],
    collect: () => undefined,
  };
  const [actual, expected] = metricCatalog(CATALOG, 'common', [core]);
  expect(actual).toEqual(expected);
});

describe.each(TOPOLOGY.map((t) => [t.app, t] as const))('%s', (app, t) => {
  it('its README lists every variable its definition reads', () => {
    const [actual, expected] = readmeConfigTable(readme(app), app, standaloneSchema(t.definition));
    expect(actual).toEqual(expected);
  });

  it('the metric catalogue lists exactly the families its collectors declare', async () => {
    // Built (not started) with what its configuration requires; nothing is read.
    const config = loadExporterConfig(t.definition, {
      LITELLM_API_KEY: 'sk-catalogue',
      LITELLM_STATE_DIR: mkdtempSync(join(tmpdir(), 'llmmon-catalogue-')),
      LANGFUSE_PUBLIC_KEY: 'pk-lf-catalogue',
      LANGFUSE_SECRET_KEY: 'sk-lf-catalogue',
      GPU_SOURCE: 'nvidia-smi',
    });
    const exporter = await RunningExporter.build(t.definition, config, { logger: silentLogger() });
    const [actual, expected] = metricCatalog(CATALOG, app, exporter.collectors);
    expect(actual).toEqual(expected);
  });
});

it('docs/gpu-metrics.md lists the XID catalog the GPU dashboard maps codes with', () => {
  const doc = readFileSync(join(ROOT, 'docs/gpu-metrics.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map((m) => ({
    code: Number(m[1]),
    meaning: m[2],
  }));
  expect(rows).toEqual(XID_CATALOG);
});

it('docs/gpu-metrics.md maps every family the GPU exporter declares', async () => {
  const gpu = TOPOLOGY.find((t) => t.app === 'gpu-exporter')!;
  const config = loadExporterConfig(gpu.definition, { GPU_SOURCE: 'nvidia-smi', DOCKER_ENABLED: 'false' });
  const exporter = await RunningExporter.build(gpu.definition, config, { logger: silentLogger() });
  const declared = exporter.collectors.flatMap((c) => c.metrics.map((m) => m.name));
  const doc = readFileSync(join(ROOT, 'docs/gpu-metrics.md'), 'utf8');
  const documented = new Set(
    [...doc.matchAll(/`(llmmon_gpu[\w{},]*)`/g)].flatMap((m) => expandBraces(m[1]!)),
  );
  expect(declared.filter((name) => !documented.has(name))).toEqual([]);
});

/**
 * `llmmon_gpu_ecc_{uncorrected,corrected}_total{gpu}` → the names it stands for: a brace group
 * is alternatives, except a last one of label names (`{pid,container}`, not `{,_max}`).
 */
function expandBraces(text: string): string[] {
  const last = /\{([^{}]*)\}$/.exec(text);
  if (last && last[1]!.split(',').every((a) => /^[a-z]/.test(a)))
    return expandBraces(text.slice(0, last.index));
  const group = /\{([^{}]*)\}/.exec(text);
  if (!group) return [text];
  return group[1]!
    .split(',')
    .flatMap((alt) =>
      expandBraces(text.slice(0, group.index) + alt + text.slice(group.index + group[0].length)),
    );
}
