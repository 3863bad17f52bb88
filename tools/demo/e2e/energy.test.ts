/**
 * Energy per token end to end, on the dense layout (small models sharing GPUs 6 and 7): the
 * simulator's GPUs through the GPU exporter's NVML, its vLLM servers through the vLLM exporter,
 * the real Prometheus with infra/prometheus/rules/energy.yml. The joules per output token each
 * model is given are recomputed here from the simulator's own counters (its GPUs' energy, its
 * processes' memory and containers, its vLLM servers' token counters), over the same window.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseExposition } from '@llmmon/metrics-core';
import {
  queryPrometheus,
  simulatorUpstreams,
  waitForQuery,
  type SimulatorUpstreams,
} from '@llmmon/native-stack';
import { startDemo, type RunningDemo } from '../run-demo';

/** The simulator's truth at one instant: energy per GPU, GPU memory per container, tokens per container. */
interface Truth {
  energyJ: Map<number, number>;
  memory: Map<number, Map<string, number>>;
  tokens: Map<string, number>;
}

async function truth(u: SimulatorUpstreams): Promise<Truth> {
  // gpus.json beside the simulator's bin/ (the nvidia-smi shim reads it; so does this test).
  const snap = JSON.parse(readFileSync(join(dirname(dirname(u.nvidia_smi)), 'gpus.json'), 'utf8')) as {
    gpus: { index: number; energyMj: number; processes: { container: string; usedMiB: number }[] }[];
  };
  const memory = new Map<number, Map<string, number>>();
  for (const g of snap.gpus) {
    const m = new Map<string, number>();
    for (const p of g.processes) m.set(p.container, (m.get(p.container) ?? 0) + p.usedMiB);
    memory.set(g.index, m);
  }
  const tokens = new Map<string, number>();
  for (const v of u.vllm) {
    const text = await (await fetch(`${v.url}/metrics`)).text();
    const family = parseExposition(text).get('vllm:generation_tokens_total');
    tokens.set(
      v.container,
      (family?.samples ?? []).reduce((a, s) => a + s.value, 0),
    );
  }
  return { energyJ: new Map(snap.gpus.map((g) => [g.index, g.energyMj / 1000])), memory, tokens };
}

/**
 * The rules with energy.yml's 5-minute windows made 3 minutes: the test's own window, so the rule and
 * the recomputation count the same requests (over different windows, a quiet model's few
 * requests make the two disagree by chance, more at night when the simulated load is low).
 * Fifty times the usual traffic, so a request finishing at either edge of the window (a
 * scrape apart) weighs little.
 */
const WINDOW_SECONDS = 180;
const rulesDir = mkdtempSync(join(tmpdir(), 'llmmon-energy-rules-'));
const RULES = join(__dirname, '../../../infra/prometheus/rules');
for (const f of readdirSync(RULES))
  writeFileSync(
    join(rulesDir, f),
    f === 'energy.yml'
      ? readFileSync(join(RULES, f), 'utf8').replaceAll('[5m]', `[${WINDOW_SECONDS}s]`)
      : readFileSync(join(RULES, f), 'utf8'),
  );

describe('energy per token on the dense layout (models sharing GPUs 6 and 7)', () => {
  let demo: RunningDemo;
  let upstreams: SimulatorUpstreams;
  let before: Truth;
  let after: Truth;
  /** When `after` was read: the recorded values are asked as of then. */
  let at: number;
  beforeAll(async () => {
    // A day of hourly history first: counters that start at 0 inside the 5-minute window make
    // rate() stop its extrapolation at zero, token counters more than energy ones; with history
    // both are long-running counters, as on a real server.
    demo = await startDemo(
      {
        SIM_LAYOUT: 'dense',
        GPU_REFRESH_SECONDS: '1',
        DEMO_BACKFILL_DAYS: '1',
        DEMO_BACKFILL_STEP_SECONDS: '3600',
        PROMETHEUS_RULES_DIR: rulesDir,
      },
      300_000,
    );
    upstreams = await simulatorUpstreams(demo.simulator);
    expect(upstreams.nvml).not.toBeNull(); // the energy counter is NVML's
    await waitForQuery(
      demo.prometheus,
      'model:llmmon_energy_joules_per_token:ratio_rate5m',
      (r) => r.length >= 5,
      120_000,
    );
    expect(
      (await demo.control('/api/v1/scenario', { scenario: 'normal', settings: { request_multiplier: 50 } }))
        .status,
    ).toBe(200);
    // Steady at the new traffic first: what Prometheus has lags the simulator by a scrape or
    // two, which must not straddle the step. Then the simulator's counters at both ends of one
    // window, and the rule's values at its end.
    await new Promise((r) => setTimeout(r, 15_000));
    before = await truth(upstreams);
    await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000));
    after = await truth(upstreams);
    at = Date.now() / 1000;
  }, 480_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it("gives each chat model the joules per output token the simulator's own counters make, within 5%", async () => {
    const recorded = new Map(
      (await queryPrometheus(demo.prometheus, 'model:llmmon_energy_joules_per_token:ratio_rate5m', at)).map(
        (r) => [r.metric['model']!, Number(r.value[1])],
      ),
    );
    const off: { model: string; recorded: number; expected: number }[] = [];
    const lines: string[] = [];
    let compared = 0;
    for (const v of upstreams.vllm) {
      const tokens = after.tokens.get(v.container)! - before.tokens.get(v.container)!;
      if (tokens <= 0) continue; // embedders produce no output tokens
      // The container's share of each GPU's energy, by its processes' memory.
      let joules = 0;
      for (const [gpu, holders] of after.memory) {
        const total = [...holders.values()].reduce((a, b) => a + b, 0);
        const mine = holders.get(v.container) ?? 0;
        if (mine) joules += ((after.energyJ.get(gpu)! - before.energyJ.get(gpu)!) * mine) / total;
      }
      const expected = joules / tokens;
      const got = recorded.get(v.model) ?? Number.NaN;
      lines.push(`  ${v.model}: ${got.toFixed(2)} J/token recorded, ${expected.toFixed(2)} recomputed`);
      if (!(Math.abs(got / expected - 1) < 0.05)) off.push({ model: v.model, recorded: got, expected });
      compared++;
    }
    console.log(`joules per output token, Prometheus vs the simulator's counters:\n${lines.join('\n')}`);
    expect(off).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it("splits every shared GPU's energy over its models, losing and double-counting none (within 1%)", async () => {
    const shared = await queryPrometheus(
      demo.prometheus,
      'count by (gpu) (instance_gpu_container:llmmon_gpu_share:ratio) > 1',
    );
    expect(shared.map((s) => s.metric['gpu']).sort()).toEqual(['6', '7']);
    const value = async (expr: string) => Number((await queryPrometheus(demo.prometheus, expr))[0]!.value[1]);
    const models = await value('sum(model:llmmon_gpu_power_watts:rate5m)');
    const idle = await value('sum(instance_gpu:llmmon_gpu_idle_power_watts:rate5m)');
    const gpus = await value('sum(instance_gpu:llmmon_gpu_power_watts:rate5m)');
    expect(gpus).toBeGreaterThan(8 * 75); // eight GPUs, none below idle power
    expect(Math.abs((models + idle) / gpus - 1)).toBeLessThan(0.01);
  });
});
