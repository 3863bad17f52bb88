import { scenarioByName } from '../src/world/scenarios';
import { World } from '../src/world/world';
import { H200 } from '../src/world/layout';

const START = Date.parse('2025-11-18T14:30:00Z');
const choice = (name: string) => ({ scenario: name, settings: scenarioByName(name)!.settings });

/** Every counter of the world, flattened, to check that none ever decreases. */
function counters(w: World): Record<string, number> {
  const out: Record<string, number> = {};
  w.host.cpuSeconds.forEach((c, i) => Object.entries(c).forEach(([m, v]) => (out[`cpu${i}.${m}`] = v)));
  for (const k of [
    'netRxBytes',
    'netTxBytes',
    'diskReads',
    'diskWrites',
    'contextSwitches',
    'interrupts',
    'forks',
  ] as const) {
    out[`host.${k}`] = w.host[k];
  }
  w.gpus.forEach((g) => (out[`gpu${g.spec.index}.energy`] = g.energyJ));
  w.containers.forEach((c) => {
    out[`${c.spec.name}.cpu`] = c.cpuSeconds;
    out[`${c.spec.name}.restarts`] = c.restartCount;
    out[`${c.spec.name}.rx`] = c.netRxBytes;
  });
  w.models.forEach((m) => {
    out[`${m.spec.container}.prompt`] = m.promptTokens;
    out[`${m.spec.container}.gen`] = m.generationTokens;
    out[`${m.spec.container}.e2e.count`] = m.e2e.count;
    out[`${m.spec.container}.stop`] = m.finished.stop;
  });
  w.proxy.forEach((p) => {
    out[`litellm.${p.alias}.requests`] = p.requests;
    out[`litellm.${p.alias}.failures`] = p.failures;
    out[`litellm.${p.alias}.spend`] = p.spendUsd;
  });
  return out;
}

/** Runs `minutes` of simulated time in 5 s steps, calling `each` after every step. */
function run(w: World, minutes: number, each: (w: World) => void) {
  for (let t = 5_000; t <= minutes * 60_000; t += 5_000) {
    w.advanceTo(START + t);
    each(w);
  }
}

describe('world consistency over 10 simulated minutes', () => {
  for (const scenario of ['normal', 'high_load', 'degraded', 'container_restart_loop', 'maintenance']) {
    it(`${scenario}: counters never decrease, GPU memory stays within the card, tokens agree across layers`, () => {
      const w = new World(42, START, choice(scenario));
      let before = counters(w);
      const decreased: string[] = [];
      run(w, 10, (w) => {
        const now = counters(w);
        for (const [k, v] of Object.entries(now))
          if (v < before[k]!) decreased.push(`${k}: ${before[k]} -> ${v}`);
        before = now;
        for (const g of w.gpus) {
          expect(g.memoryUsedMiB).toBeLessThanOrEqual(H200.memoryMiB - H200.reservedMiB);
          expect(g.utilization).toBeGreaterThanOrEqual(0);
          expect(g.utilization).toBeLessThanOrEqual(1);
        }
      });
      expect(decreased).toEqual([]);
      // LiteLLM counted exactly the tokens the vLLM instances processed, model by model.
      w.models.forEach((m, i) => {
        const p = w.proxy[i]!;
        expect(p.promptTokens).toBe(m.promptTokens);
        expect(p.completionTokens).toBe(m.generationTokens);
        // The per-key split adds up to the model group's totals.
        const sum = (k: 'requests' | 'failures' | 'promptTokens' | 'completionTokens') =>
          p.keys.reduce((a, x) => a + x[k], 0);
        expect([sum('requests'), sum('failures'), sum('promptTokens'), sum('completionTokens')]).toEqual([
          p.requests,
          p.failures,
          p.promptTokens,
          p.completionTokens,
        ]);
      });
      const served = w.models.reduce((s, m) => s + m.e2e.count, 0);
      if (scenario !== 'maintenance') expect(served).toBeGreaterThan(50);
    });
  }

  it('high_load brings CPU to ~80% and serving GPUs to ~90%; normal stays at ~30% / ~60%', () => {
    const averages = (name: string) => {
      const w = new World(42, START, choice(name));
      let cpu = 0;
      let gpu = 0;
      let n = 0;
      run(w, 10, (w) => {
        cpu += w.host.busy;
        const serving = w.gpus.filter((g) => g.memoryUsedMiB > 0);
        gpu += serving.reduce((s, g) => s + g.utilization, 0) / serving.length;
        n++;
      });
      return { cpu: cpu / n, gpu: gpu / n };
    };
    const high = averages('high_load');
    expect(high.cpu).toBeGreaterThan(0.7);
    expect(high.cpu).toBeLessThan(0.9);
    expect(high.gpu).toBeGreaterThan(0.8);
    const normal = averages('normal');
    expect(normal.cpu).toBeGreaterThan(0.22);
    expect(normal.cpu).toBeLessThan(0.38);
    expect(normal.gpu).toBeGreaterThan(0.5);
    expect(normal.gpu).toBeLessThan(0.7);
  });

  it('gpu_overheat takes a GPU over 85 °C within two 30 s scrape intervals', () => {
    const w = new World(42, START, choice('normal'));
    w.advanceTo(START + 300_000);
    expect(Math.max(...w.gpus.map((g) => g.temperatureC))).toBeLessThan(85);
    w.setScenario(choice('gpu_overheat'));
    w.advanceTo(START + 360_000);
    const hot = w.gpus.filter((g) => g.temperatureC > 85);
    expect(hot.map((g) => g.spec.index)).toEqual([3]);
    expect(hot[0]!.thermalSlowdown).toBe(true);
  });

  it('model_load_failure: the model stops serving, its GPU memory is freed, LiteLLM counts failures', () => {
    const w = new World(42, START, choice('model_load_failure'));
    run(w, 10, () => undefined);
    const qwen = w.models.find((m) => m.spec.container === 'vllm-qwen72b')!;
    expect(qwen.status).toBe('failed');
    expect(w.container('vllm-qwen72b')!.health).toBe('unhealthy');
    expect(qwen.e2e.count).toBe(0);
    expect(w.gpus[4]!.memoryUsedMiB).toBe(0);
    const proxy = w.proxy.find((p) => p.alias === 'qwen2.5-72b')!;
    expect(proxy.failures).toBe(proxy.requests);
    expect(proxy.requests).toBeGreaterThan(0);
  });

  it('container_restart_loop restarts the container every 30 s', () => {
    const w = new World(42, START, choice('container_restart_loop'));
    w.advanceTo(START + 10 * 60_000);
    expect(w.container('vllm-llama8b')!.restartCount).toBe(20);
    expect(w.container('vllm-llama70b')!.restartCount).toBe(1);
  });

  it('is repeatable: the same seed gives the same world', () => {
    const a = new World(7, START, choice('degraded'));
    const b = new World(7, START, choice('degraded'));
    a.advanceTo(START + 120_000);
    b.advanceTo(START + 120_000);
    expect(counters(a)).toEqual(counters(b));
    const c = new World(8, START, choice('degraded'));
    c.advanceTo(START + 120_000);
    expect(counters(c)).not.toEqual(counters(a));
  });
});

describe('the dense layout (10 vLLM containers)', () => {
  it('shares GPUs 6 and 7 between small models within the card, with consistent traffic', () => {
    const w = new World(42, START, choice('high_load'), 'dense');
    expect(w.models).toHaveLength(10);
    expect(w.containers).toHaveLength(20);
    run(w, 10, (w) => {
      for (const g of w.gpus) expect(g.memoryUsedMiB).toBeLessThanOrEqual(H200.memoryMiB - H200.reservedMiB);
    });
    expect(w.gpus[6]!.processes.map((p) => p.container).sort()).toEqual([
      'vllm-llama8b',
      'vllm-phi4',
      'vllm-qwen-coder',
    ]);
    expect(w.gpus[7]!.processes).toHaveLength(4);
    expect(w.gpus[7]!.memoryUsedMiB).toBeGreaterThan(H200.memoryMiB * 0.85);
    w.models.forEach((m, i) => expect(w.proxy[i]!.promptTokens).toBe(m.promptTokens));
    expect(w.models.filter((m) => m.e2e.count > 0)).toHaveLength(10);
  });
});

describe('extra containers', () => {
  it('adds small idle GPU-less containers after the layout, every fourth with a memory limit', () => {
    const w = new World(42, START, choice('normal'), 'standard', 85);
    expect(w.containers).toHaveLength(100);
    const extra = w.containers.filter((c) => c.spec.name.startsWith('app-'));
    expect(extra.map((c) => c.spec.name).slice(0, 2)).toEqual(['app-001', 'app-002']);
    expect(extra.every((c) => c.spec.gpus.length === 0 && c.status === 'running')).toBe(true);
    expect(extra.filter((c) => c.spec.memoryLimitBytes > 0)).toHaveLength(21);
    w.advanceTo(START + 60_000);
    expect(extra[0]!.cpuSeconds).toBeGreaterThan(0);
  });
});
