/**
 * Traffic: requests flow client → LiteLLM (per virtual key) → a vLLM instance, so the tokens
 * LiteLLM counts are exactly those the instance processed; every request is traced as Langfuse
 * would trace it.
 */
import {
  E2E_BUCKETS,
  Histogram,
  ITERATION_BUCKETS,
  ITL_BUCKETS,
  LITELLM_LATENCY_BUCKETS,
  PHASE_BUCKETS,
  TOKEN_BUCKETS,
  TTFT_BUCKETS,
} from './histogram';
import { API_KEYS, BASE_REQUESTS_PER_SECOND, type VllmSpec } from './layout';
import { hash32, keyOf, normal, smoothNoise, uniform } from './random';
import {
  clamp,
  DAILY_HISTORY_DAYS,
  TRACE_HISTORY,
  type ModelState,
  type ProxyKeyState,
  type ProxyModelState,
} from './state';
import { NORMAL_SETTINGS } from './scenarios';
import { NOISE, REQUEST } from './streams';
import type { World } from './world';

/** End users of the server: a bounded pool, a few heavy users and a long tail. */
const USERS = 200;

export function initialModels(specs: readonly VllmSpec[]): ModelState[] {
  return specs.map((spec) => ({
    spec,
    status: 'ready',
    running: 0,
    waiting: 0,
    kvCacheUsage: 0,
    promptTokens: 0,
    generationTokens: 0,
    finished: { stop: 0, length: 0, abort: 0 },
    preemptions: 0,
    ttft: new Histogram(TTFT_BUCKETS),
    interToken: new Histogram(ITL_BUCKETS),
    e2e: new Histogram(E2E_BUCKETS),
    queue: new Histogram(PHASE_BUCKETS),
    prefill: new Histogram(PHASE_BUCKETS),
    decode: new Histogram(PHASE_BUCKETS),
    inference: new Histogram(PHASE_BUCKETS),
    promptLength: new Histogram(TOKEN_BUCKETS),
    generationLength: new Histogram(TOKEN_BUCKETS),
    maxTokensParam: new Histogram(TOKEN_BUCKETS),
    iterationTokens: new Histogram(ITERATION_BUCKETS),
    prefixCacheHits: 0,
    served: 0,
    carry: 0,
  }));
}

export function initialProxy(models: readonly ModelState[]): ProxyModelState[] {
  return models.map((m) => ({
    alias: m.spec.alias,
    model: m.spec.model,
    requests: 0,
    failures: 0,
    promptTokens: 0,
    completionTokens: 0,
    spendUsd: 0,
    latency: new Histogram(E2E_BUCKETS),
    keys: API_KEYS.map(() => ({
      requests: 0,
      failures: 0,
      promptTokens: 0,
      completionTokens: 0,
      spendUsd: 0,
      totalLatency: new Histogram(LITELLM_LATENCY_BUCKETS),
      apiLatency: new Histogram(LITELLM_LATENCY_BUCKETS),
      timeToFirstToken: new Histogram(LITELLM_LATENCY_BUCKETS),
      overhead: new Histogram(LITELLM_LATENCY_BUCKETS),
      perOutputToken: new Histogram(LITELLM_LATENCY_BUCKETS),
    })),
  }));
}

/** The requests of `dt` seconds, every model: LiteLLM's, vLLM's and Langfuse's counts move together. */
export function stepTraffic(world: World, dt: number, t: number, load: number): void {
  const seed = world.seed;
  const total = BASE_REQUESTS_PER_SECOND * world.settings.request_multiplier * load;
  const stalled = new Set(world.faults.stalledModels ?? []);
  const degraded = world.faults.degradedModels && new Set(world.faults.degradedModels);
  world.models.forEach((m, i) => {
    // A scenario that degrades some models leaves the others' errors and latency normal.
    const s =
      degraded && !degraded.has(m.spec.container)
        ? {
            ...world.settings,
            error_rate: NORMAL_SETTINGS.error_rate,
            latency_multiplier: NORMAL_SETTINGS.latency_multiplier,
          }
        : world.settings;
    const proxy = world.proxy[i]!;
    const key = keyOf(m.spec.container);
    const draw = (id: number, stream: number) => uniform(seed, key, id, stream);
    const gauss = (id: number, stream: number) => normal(seed, key, id, stream);
    const accepting = m.status === 'ready' || m.status === 'failed' || m.status === 'loading';
    // Requests reach LiteLLM for every model users know; drained and stopped ones get none.
    const rate = accepting ? total * m.spec.share : 0;
    const due = m.carry + rate * dt;
    const n = Math.floor(due);
    m.carry = due - n;
    // A hung engine: every request waits, none is processed, the running ones never finish.
    if (stalled.has(m.spec.container) && m.status === 'ready') {
      m.waiting += n;
      m.running = Math.max(1, m.running);
      return;
    }
    let e2eSum = 0;
    for (let r = 0; r < n; r++) {
      const id = m.served++;
      const viaKey = proxy.keys[pickKey(draw(id, REQUEST.apiKey))]!;
      proxy.requests++;
      viaKey.requests++;
      const failed = m.status !== 'ready' || draw(id, REQUEST.failure) < s.error_rate;
      if (failed) {
        // Rejected before any token is processed (no healthy deployment, upstream error).
        proxy.failures++;
        viaKey.failures++;
        recordRequest(world, m, id, keyIndexOf(proxy, viaKey), 0, 0, 0.05, 0, true);
        continue;
      }
      const prompt = Math.max(
        8,
        Math.round(m.spec.promptTokens * Math.exp(0.5 * gauss(id, REQUEST.promptLength) - 0.125)),
      );
      const gen =
        m.spec.kind === 'embedding'
          ? 0
          : Math.max(
              1,
              Math.round(
                m.spec.generationTokens * Math.exp(0.6 * gauss(id, REQUEST.generationLength) - 0.18),
              ),
            );
      const outlier = s.enable_anomalies && draw(id, REQUEST.latencyOutlier) < 0.01 ? 5 : 1;
      const lat = s.latency_multiplier * outlier;
      const ttft = lat * (0.06 + prompt / 12000) * Math.exp(0.35 * gauss(id, REQUEST.timeToFirstToken));
      const itl = lat * 0.028 * Math.exp(0.15 * gauss(id, REQUEST.interTokenLatency));
      const e2e = ttft + Math.max(0, gen - 1) * itl;
      e2eSum += e2e;
      const reason = gen > 0 && draw(id, REQUEST.finishReason) < 0.06 ? 'length' : 'stop';
      m.finished[reason]++;
      m.promptTokens += prompt;
      m.generationTokens += gen;
      const queued = lat * 0.004 * Math.exp(gauss(id, REQUEST.queueTime)) * load;
      m.ttft.observe(ttft);
      if (gen > 1) m.interToken.observe(itl, gen - 1);
      m.e2e.observe(e2e);
      m.queue.observe(queued);
      m.prefill.observe(Math.max(0, ttft - queued));
      m.decode.observe(e2e - ttft);
      m.inference.observe(e2e - queued);
      m.promptLength.observe(prompt);
      m.generationLength.observe(gen);
      m.maxTokensParam.observe(m.spec.kind === 'embedding' ? 1 : 2048);
      // One prefill iteration, then one decode step per further token, batched with the others.
      m.iterationTokens.observe(prompt);
      if (gen > 1) m.iterationTokens.observe(Math.max(1, m.running), gen - 1);
      m.prefixCacheHits += Math.round(prompt * 0.31);
      if (draw(id, REQUEST.preemption) < 0.002 * load) m.preemptions++;
      const spend = prompt * (m.spec.inputCostPerToken ?? 0) + gen * (m.spec.outputCostPerToken ?? 0);
      const overhead = 0.008 + 0.004 * draw(id, REQUEST.proxyOverhead);
      proxy.promptTokens += prompt;
      proxy.completionTokens += gen;
      proxy.spendUsd += spend;
      proxy.latency.observe(e2e + overhead);
      viaKey.promptTokens += prompt;
      viaKey.completionTokens += gen;
      viaKey.spendUsd += spend;
      viaKey.totalLatency.observe(e2e + overhead);
      viaKey.apiLatency.observe(e2e);
      viaKey.timeToFirstToken.observe(ttft);
      viaKey.overhead.observe(overhead);
      if (gen > 0) viaKey.perOutputToken.observe(e2e / gen);
      recordRequest(world, m, id, keyIndexOf(proxy, viaKey), prompt, gen, e2e + overhead, spend, false);
    }
    // Little's law: requests in flight ≈ arrival rate × time in system.
    const meanE2e = n > 0 ? e2eSum / n : s.latency_multiplier * 9;
    const inFlight =
      m.status === 'ready' ? rate * meanE2e * (1 + 0.3 * smoothNoise(seed, key + NOISE.inFlight, t, 30)) : 0;
    m.running = Math.max(0, Math.round(Math.min(inFlight, 256)));
    m.waiting = Math.max(0, Math.round(inFlight - 256) + (load > 1.3 && m.status === 'ready' ? 2 : 0));
    const gpu = world.gpus[m.spec.gpus[0]!]!;
    m.kvCacheUsage =
      m.status === 'ready'
        ? // Full (1) as the GPU saturates: a busy server's vLLM runs its KV cache near the top.
          clamp(0.12 + 0.88 * gpu.utilization + 0.03 * smoothNoise(seed, key + NOISE.kvCache, t, 20), 0, 1)
        : 0;
  });
}

/** One request as Langfuse traced it, and its day's usage (Langfuse's daily metrics). */
function recordRequest(
  world: World,
  m: ModelState,
  id: number,
  keyIndex: number,
  promptTokens: number,
  completionTokens: number,
  latencySeconds: number,
  costUsd: number,
  failed: boolean,
): void {
  const key = keyOf(m.spec.container);
  const user = Math.floor(uniform(world.seed, key, id, REQUEST.user) ** 2 * USERS); // a few heavy users, a long tail
  // A session is a user's conversation: it changes every ~20 minutes.
  const session = hash32(world.seed, user, Math.floor(world.timeMs / 1_200_000))
    .toString(16)
    .padStart(8, '0');
  world.requests.push({
    id,
    container: m.spec.container,
    timeMs: world.timeMs,
    keyIndex,
    userId: `u_${1000 + user}`,
    sessionId: `sess-${session}`,
    promptTokens,
    completionTokens,
    latencySeconds,
    costUsd,
    failed,
  });
  if (world.requests.length > TRACE_HISTORY * 1.1)
    world.requests.splice(0, world.requests.length - TRACE_HISTORY);
  const day = new Date(world.timeMs).toISOString().slice(0, 10);
  let models = world.daily.get(day);
  if (!models) {
    world.daily.set(day, (models = new Map()));
    if (world.daily.size > DAILY_HISTORY_DAYS) world.daily.delete(world.daily.keys().next().value!);
  }
  const name = failed ? '' : m.spec.model; // failed calls carry no model usage
  const u = models.get(name) ?? { traces: 0, observations: 0, inputUsage: 0, outputUsage: 0, costUsd: 0 };
  u.traces++;
  u.observations += failed ? 1 : 2; // the request span and its generation
  u.inputUsage += promptTokens;
  u.outputUsage += completionTokens;
  u.costUsd += costUsd;
  models.set(name, u);
}

const keyIndexOf = (p: ProxyModelState, k: ProxyKeyState) => p.keys.indexOf(k);

/** Which virtual key a request came through, by the keys' traffic shares. */
function pickKey(u: number): number {
  let acc = 0;
  for (const [i, k] of API_KEYS.entries()) {
    acc += k.share;
    if (u < acc) return i;
  }
  return API_KEYS.length - 1;
}
