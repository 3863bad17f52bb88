import {
  ClassifiedError,
  gauge,
  passthrough,
  type Collector,
  type MetricDef,
  type MetricSink,
  type UpstreamHealth,
} from '@llmmon/metrics-core';
import { gpuLabel } from '@llmmon/docker';
import type { Instance } from '../discovery';
import { FINISHED_REASONS, NORMALIZED, normalize } from '../normalize';
import { IdentityCache, readInstance, STATES, type ReadOptions, type Reading } from '../read';

const state = gauge(
  'llmmon_vllm_instance_state',
  '1 for the state the instance is in (loading: started, API not up yet; ready; failed), 0 for the others.',
  ['container', 'state'],
);
const modelInfo = gauge(
  'llmmon_vllm_model_info',
  'Always 1: the model an instance serves, with its context length, vLLM version, GPUs and whether it is simulated.',
  ['container', 'model', 'max_model_len', 'vllm_version', 'gpus', 'mock'],
);
const familyFound = gauge(
  'llmmon_vllm_family_found',
  "1 when the instance's /metrics had a source for this normalized family (by its names, whatever its version), 0 when not; none while /metrics cannot be read.",
  ['container', 'family'],
);
const instances = gauge(
  'llmmon_vllm_instances',
  'vLLM instances discovered (running or restarting containers, static URLs).',
);

/** Labels added to every re-exposed vLLM sample. */
const ADDED = ['container', 'vllm_version', 'gpus'] as const;

/** Each instance is an upstream of its own: `vllm/<container>` (up, errors by kind, last success). */
export const UPSTREAM_PREFIX = 'vllm/';

export interface VllmCollectorOptions extends ReadOptions {
  readonly instances: () => readonly Instance[];
  readonly upstreams: UpstreamHealth;
  /** Receives each scrape's readings (the JSON API shows the latest). */
  readonly onReadings?: (readings: readonly Reading[]) => void;
}

/**
 * Every instance read on scrape, all at once, each call with its own timeout: a hung or
 * broken instance is reported down and holds no one else. Emits each instance's state, model
 * and version, the normalized families, and every `vllm:*` family as it came with container,
 * vllm_version and gpus added (an upstream label of the same name becomes exported_<name>).
 */
export function vllmCollector(o: VllmCollectorOptions): Collector {
  const identities = new IdentityCache();
  const track = (r: Reading) => {
    const upstream = o.upstreams.upstream(UPSTREAM_PREFIX + r.instance.container);
    if (!r.error) upstream.succeeded({ durationMs: r.durationMs });
    // A restarting container is reported failed by its state, not as an error of ours.
    else if (r.instance.state !== 'restarting')
      upstream.failed(new ClassifiedError(r.error.kind, r.error.message), { durationMs: r.durationMs });
  };

  return {
    name: 'vllm',
    metrics: [state, modelInfo, familyFound, instances, ...NORMALIZED.map((n) => n.def)],
    async collect(out, signal) {
      const list = o.instances();
      const readings = await Promise.all(list.map((i) => readInstance(i, o, signal, identities)));
      out.add(instances, list.length);
      const passDefs = new Map<string, MetricDef>();
      for (const r of readings) {
        const c = r.instance.container;
        for (const s of STATES) out.add(state, { container: c, state: s }, r.state === s ? 1 : 0);
        out.add(
          modelInfo,
          {
            container: c,
            model: r.model ?? '',
            max_model_len: r.maxModelLen === undefined ? '' : String(r.maxModelLen),
            vllm_version: r.version,
            gpus: gpuLabel(r.instance.gpus),
            mock: String(r.mock),
          },
          1,
        );
        track(r);
        if (!r.families) continue;
        const normalized = normalize(r.families, { container: c, model: r.model });
        for (const n of normalized) {
          for (const s of n.samples) out.addSample(n.def, s);
          if (n.def === FINISHED.def) addMissingReasons(out, n.samples, { container: c, model: r.model });
        }
        const found = new Set(normalized.map((n) => n.def));
        for (const { def } of NORMALIZED)
          out.add(familyFound, { container: c, family: def.name }, found.has(def) ? 1 : 0);
        passThrough(out, passDefs, r);
      }
      // Instances gone from discovery are forgotten.
      o.upstreams.retain(UPSTREAM_PREFIX, new Set(list.map((i) => UPSTREAM_PREFIX + i.container)));
      o.onReadings?.(readings);
    },
  };
}

const FINISHED = NORMALIZED.find((n) => n.def.name === 'llmmon_vllm_requests_finished_total')!;

/**
 * Every finished reason from 0: vLLM creates a reason's series on its first request, so
 * without this the first aborted request of a model would never show in rate().
 */
function addMissingReasons(
  out: MetricSink,
  samples: readonly { labels: Readonly<Record<string, string>> }[],
  ctx: { container: string; model: string | undefined },
): void {
  const models = new Set(samples.map((s) => s.labels['model']!));
  if (models.size === 0) models.add(ctx.model ?? '');
  for (const model of models) {
    for (const finished_reason of FINISHED_REASONS) {
      const present = samples.some(
        (s) => s.labels['model'] === model && s.labels['finished_reason'] === finished_reason,
      );
      if (!present) out.add(FINISHED.def, { container: ctx.container, model, finished_reason }, 0);
    }
  }
}

function passThrough(out: MetricSink, defs: Map<string, MetricDef>, r: Reading): void {
  const added = { container: r.instance.container, vllm_version: r.version, gpus: gpuLabel(r.instance.gpus) };
  for (const f of r.families!.values()) {
    if (!f.name.startsWith('vllm:') || f.samples.length === 0) continue;
    const mine = passthrough(f.name, f.help, f.type);
    let def = defs.get(f.name);
    if (!def) defs.set(f.name, (def = mine));
    // Versions that disagree on a family's type: the first instance's stands, the other's is left out.
    if (mine.type !== def.type) continue;
    for (const s of f.samples) {
      // The parsed sample is this scrape's own: its labels object is extended in place and the
      // sample handed on as it is (15,000 samples a scrape for ten instances: copies cost GC).
      let labels = s.labels as Record<string, string>;
      if (Object.isFrozen(labels)) labels = {};
      else if ('container' in labels || 'vllm_version' in labels || 'gpus' in labels) {
        labels = Object.fromEntries(
          Object.entries(labels).map(([k, v]) => [
            (ADDED as readonly string[]).includes(k) ? `exported_${k}` : k,
            v,
          ]),
        );
      }
      labels['container'] = added.container;
      labels['vllm_version'] = added.vllm_version;
      labels['gpus'] = added.gpus;
      out.addSample(def, labels === s.labels ? s : { name: s.name, labels, value: s.value });
    }
  }
}
