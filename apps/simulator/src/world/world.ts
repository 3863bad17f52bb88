/**
 * The world model: one state, advanced on a clock, from which every upstream is rendered.
 * Traffic flows client → LiteLLM → vLLM, so tokens counted by LiteLLM are exactly those the
 * vLLM instances processed; GPU utilisation follows load, temperature and power follow
 * utilisation, and every counter only increases.
 */
import {
  E2E_BUCKETS,
  Histogram,
  LITELLM_LATENCY_BUCKETS,
  ITERATION_BUCKETS,
  ITL_BUCKETS,
  PHASE_BUCKETS,
  TOKEN_BUCKETS,
  TTFT_BUCKETS,
} from './histogram';
import {
  API_KEYS,
  BASE_REQUESTS_PER_SECOND,
  containersOf,
  type LayoutName,
  GPU,
  GPUS,
  HOST,
  type ContainerSpec,
  type GpuSpec,
  type VllmSpec,
} from './layout';
import { hash32, keyOf, normal, smoothNoise, uniform } from './random';
import { scenarioByName, type Faults, type ScenarioChoice, type Settings } from './scenarios';

/** Longest simulated step; bigger jumps are integrated in pieces of this size. */
export const MAX_STEP_SECONDS = 5;
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];
/** How busy time splits over modes (the rest of a core's time is idle). */
const BUSY_SPLIT: Partial<Record<CpuMode, number>> = {
  user: 0.72,
  nice: 0.01,
  system: 0.18,
  iowait: 0.04,
  irq: 0.01,
  softirq: 0.03,
  steal: 0.01,
};

export interface GpuProcess {
  readonly pid: number;
  readonly name: string;
  readonly usedMiB: number;
  readonly container: string;
}

export interface GpuState {
  readonly spec: GpuSpec;
  utilization: number;
  memoryUtilization: number;
  memoryUsedMiB: number;
  temperatureC: number;
  memoryTemperatureC: number;
  powerW: number;
  /** Total energy since boot, joules (a counter). */
  energyJ: number;
  smClockMHz: number;
  memClockMHz: number;
  pstate: 'P0' | 'P8';
  thermalSlowdown: boolean;
  processes: GpuProcess[];
}

export type ContainerStatus = 'running' | 'exited' | 'restarting';

export interface ContainerState {
  readonly spec: ContainerSpec;
  /** 64 hex digits, stable per name and seed. */
  readonly id: string;
  readonly createdMs: number;
  status: ContainerStatus;
  health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  restartCount: number;
  /** Crash cycles completed in the current restart-loop fault. */
  loopCycles: number;
  startedMs: number;
  finishedMs: number;
  exitCode: number;
  cpuSeconds: number;
  memoryBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  blkReadBytes: number;
  blkWriteBytes: number;
  pids: number;
}

export type ModelStatus = 'ready' | 'loading' | 'failed' | 'stopped' | 'draining';

export interface ModelState {
  readonly spec: VllmSpec;
  status: ModelStatus;
  running: number;
  waiting: number;
  kvCacheUsage: number;
  promptTokens: number;
  generationTokens: number;
  /** Finished requests by reason (stop, length, abort). */
  finished: Record<'stop' | 'length' | 'abort', number>;
  preemptions: number;
  ttft: Histogram;
  interToken: Histogram;
  e2e: Histogram;
  queue: Histogram;
  prefill: Histogram;
  decode: Histogram;
  inference: Histogram;
  promptLength: Histogram;
  generationLength: Histogram;
  maxTokensParam: Histogram;
  iterationTokens: Histogram;
  /** Prompt tokens found in the prefix cache. */
  prefixCacheHits: number;
  /** Requests served since start (drives per-request randomness). */
  served: number;
  carry: number;
}

/** What LiteLLM counted for one model group through one virtual key. */
export interface ProxyKeyState {
  requests: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  spendUsd: number;
  totalLatency: Histogram;
  apiLatency: Histogram;
  timeToFirstToken: Histogram;
  overhead: Histogram;
  perOutputToken: Histogram;
}

export interface ProxyModelState {
  readonly alias: string;
  readonly model: string;
  requests: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  spendUsd: number;
  latency: Histogram;
  /** The same traffic split by virtual key (API_KEYS order). */
  readonly keys: ProxyKeyState[];
}

export interface HostState {
  /** cpuSeconds[cpu][mode], counters. */
  cpuSeconds: Record<CpuMode, number>[];
  busy: number;
  memAvailableBytes: number;
  cachedBytes: number;
  load1: number;
  load5: number;
  load15: number;
  netRxBytes: number;
  netTxBytes: number;
  netRxPackets: number;
  netTxPackets: number;
  diskReads: number;
  diskWrites: number;
  diskReadBytes: number;
  diskWrittenBytes: number;
  diskIoSeconds: number;
  contextSwitches: number;
  interrupts: number;
  forks: number;
  procsRunning: number;
  rootDiskUsed: number;
}

/** One request as Langfuse traced it (LiteLLM's langfuse callback logs every request). */
export interface RequestRecord {
  /** Request number within its model (unique with the container name). */
  readonly id: number;
  readonly container: string;
  readonly timeMs: number;
  readonly keyIndex: number;
  /** End user (bounded pool) and their chat session. */
  readonly userId: string;
  readonly sessionId: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly latencySeconds: number;
  readonly costUsd: number;
  readonly failed: boolean;
}

/** Per day and model, what Langfuse's daily metrics report. */
export interface DailyUsage {
  traces: number;
  observations: number;
  inputUsage: number;
  outputUsage: number;
  costUsd: number;
}

/** How many recent requests Langfuse's API can page through, and how many days it keeps. */
export const TRACE_HISTORY = 10_000;
export const DAILY_HISTORY_DAYS = 90;
const USERS = 200;

/** A container lifecycle event, as Docker's /events reports them. */
export interface WorldEvent {
  /** Increases by one per event: how a stream knows what it has sent, even within one instant. */
  readonly seq: number;
  readonly timeMs: number;
  readonly container: string;
  readonly action: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** Containers whose simulated upstream reads their state (besides the vLLM ones). */
const UPSTREAM_CONTAINERS = ['litellm', 'langfuse-web'];

/** How many events are kept for replay (/events?since=…). */
const EVENT_HISTORY = 5000;

export class World {
  timeMs: number;
  choice: ScenarioChoice;
  /** When the current scenario began (sim ms): fault cycles count from here. */
  scenarioSinceMs: number;
  readonly gpus: GpuState[];
  readonly containers: ContainerState[];
  readonly models: ModelState[];
  readonly proxy: ProxyModelState[];
  readonly host: HostState;
  /** Container events, oldest first (bounded). */
  readonly events: WorldEvent[] = [];
  private readonly removed = new Map<string, ContainerState>();
  private eventSeq = 0;
  /** Recent requests, oldest first (bounded to TRACE_HISTORY): Langfuse's traces. */
  readonly requests: RequestRecord[] = [];
  /** Date (YYYY-MM-DD, UTC) → model → usage: Langfuse's daily metrics. */
  readonly daily = new Map<string, Map<string, DailyUsage>>();
  ticks = 0;

  constructor(
    readonly seed: number,
    startMs: number,
    choice: ScenarioChoice,
    readonly layout: LayoutName = 'standard',
    extraContainers = 0,
  ) {
    this.timeMs = startMs;
    this.choice = choice;
    this.scenarioSinceMs = startMs;
    const uptime = startMs / 1000 - HOST.bootTimeSeconds;
    this.gpus = GPUS.map((spec) => ({
      spec,
      utilization: 0,
      memoryUtilization: 0,
      memoryUsedMiB: 0,
      temperatureC: 34,
      memoryTemperatureC: 40,
      powerW: GPU.idlePowerW,
      energyJ: Math.max(0, uptime) * 400, // as if it had run at ~400 W since boot
      smClockMHz: GPU.idleSmClockMHz,
      memClockMHz: GPU.memClockMHz,
      pstate: 'P8',
      thermalSlowdown: false,
      processes: [],
    }));
    const containers = containersOf(layout, extraContainers);
    this.containers = containers.map((spec) => ({
      spec,
      id: containerId(seed, spec.name),
      createdMs: HOST.bootTimeSeconds * 1000 + 60_000,
      status: 'running',
      health: spec.vllm ? 'healthy' : 'none',
      restartCount: spec.name === 'vllm-llama70b' ? 1 : 0, // as in the fixtures' event log
      loopCycles: 0,
      startedMs: HOST.bootTimeSeconds * 1000 + 90_000,
      finishedMs: 0,
      exitCode: 0,
      cpuSeconds: Math.max(0, uptime) * spec.cpuCores * 0.5,
      memoryBytes: spec.memoryBytes,
      netRxBytes: 0,
      netTxBytes: 0,
      blkReadBytes: spec.vllm ? 140e9 : 1e8, // vLLM read its weights once
      blkWriteBytes: 1e8,
      pids: spec.vllm ? 180 : 30,
    }));
    this.models = containers
      .flatMap((c) => (c.vllm ? [c.vllm] : []))
      .map((spec) => ({
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
    this.proxy = this.models.map((m) => ({
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
    const ticksSinceBoot = Math.max(0, uptime) * 100;
    this.host = {
      cpuSeconds: Array.from({ length: HOST.cpus }, () => {
        const idle = ticksSinceBoot / 100;
        return Object.fromEntries(
          CPU_MODES.map((m) => [m, m === 'idle' ? idle * 0.7 : idle * 0.3 * (BUSY_SPLIT[m] ?? 0)]),
        ) as Record<CpuMode, number>;
      }),
      busy: 0,
      memAvailableBytes: HOST.memoryBytes * 0.7,
      cachedBytes: HOST.memoryBytes * 0.15,
      load1: 0,
      load5: 0,
      load15: 0,
      netRxBytes: 8e11,
      netTxBytes: 9e11,
      netRxPackets: 6e8,
      netTxPackets: 7e8,
      diskReads: 2.4e6,
      diskWrites: 4.8e7,
      diskReadBytes: 2e11,
      diskWrittenBytes: 9.7e11,
      diskIoSeconds: 8.1e3,
      contextSwitches: 3.8e8,
      interrupts: 1.1e8,
      forks: 1.28e6,
      procsRunning: 1,
      rootDiskUsed: HOST.rootDiskUsed,
    };
    this.applyStatus();
    this.step(0);
  }

  get settings(): Settings {
    return this.choice.settings;
  }

  get faults(): Faults {
    return scenarioByName(this.choice.scenario)?.faults ?? {};
  }

  setScenario(choice: ScenarioChoice): void {
    this.choice = choice;
    this.scenarioSinceMs = this.timeMs;
    for (const c of this.containers) c.loopCycles = 0;
    this.applyStatus();
  }

  /** Advances to `targetMs` (never backwards), in steps of at most MAX_STEP_SECONDS. */
  advanceTo(targetMs: number): void {
    while (this.timeMs < targetMs) {
      const dt = Math.min(MAX_STEP_SECONDS * 1000, targetMs - this.timeMs);
      this.timeMs += dt;
      this.applyStatus();
      this.step(dt / 1000);
    }
  }

  /** Mean load at this instant: daily cycle, hourly wave, slow noise, rare spikes (~1 ± 0.2). */
  loadFactor(tSeconds = this.timeMs / 1000): number {
    const hour = (((tSeconds / 3600) % 24) + 24) % 24;
    const daily = 1 + 0.15 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
    const wave = 1 + 0.05 * Math.sin((2 * Math.PI * tSeconds) / 3600);
    const noise = 1 + 0.04 * smoothNoise(this.seed, 1, tSeconds, 120);
    let spike = 1;
    if (this.settings.enable_anomalies) {
      const window = Math.floor(tSeconds / 600);
      if (uniform(this.seed, 2, window) < 0.03) spike = 1.5;
    }
    return daily * wave * noise * spike;
  }

  private recordRequest(
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
    const user = Math.floor(uniform(this.seed, key, id, 12) ** 2 * USERS); // a few heavy users, a long tail
    // A session is a user's conversation: it changes every ~20 minutes.
    const session = hash32(this.seed, user, Math.floor(this.timeMs / 1_200_000))
      .toString(16)
      .padStart(8, '0');
    this.requests.push({
      id,
      container: m.spec.container,
      timeMs: this.timeMs,
      keyIndex,
      userId: `u_${1000 + user}`,
      sessionId: `sess-${session}`,
      promptTokens,
      completionTokens,
      latencySeconds,
      costUsd,
      failed,
    });
    if (this.requests.length > TRACE_HISTORY * 1.1)
      this.requests.splice(0, this.requests.length - TRACE_HISTORY);
    const day = new Date(this.timeMs).toISOString().slice(0, 10);
    let models = this.daily.get(day);
    if (!models) {
      this.daily.set(day, (models = new Map()));
      if (this.daily.size > DAILY_HISTORY_DAYS) this.daily.delete(this.daily.keys().next().value!);
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

  private recordEvent(container: string, action: string, attributes?: Record<string, string>): void {
    this.events.push({
      seq: this.eventSeq++,
      timeMs: this.timeMs,
      container,
      action,
      ...(attributes ? { attributes } : {}),
    });
    if (this.events.length > EVENT_HISTORY) this.events.splice(0, this.events.length - EVENT_HISTORY);
  }

  /** Container and model status from the scenario's faults, with the events of any change. */
  private applyStatus(): void {
    const before = this.containers.map((c) => [c.status, c.health] as const);
    this.applyFaults();
    this.containers.forEach((c, i) => {
      const [status, health] = before[i]!;
      const name = c.spec.name;
      if (status === 'running' && c.status !== 'running')
        this.recordEvent(name, 'die', { exitCode: String(c.exitCode) });
      if (status !== 'exited' && c.status === 'exited') this.recordEvent(name, 'stop');
      if (status !== 'running' && c.status === 'running') {
        if (status === 'restarting') this.recordEvent(name, 'restart');
        this.recordEvent(name, 'start');
      }
      if (health !== c.health && (c.health === 'healthy' || c.health === 'unhealthy')) {
        this.recordEvent(name, `health_status: ${c.health}`);
      }
    });
  }

  private applyFaults(): void {
    const f = this.faults;
    this.host.rootDiskUsed = f.rootDiskUsed ?? HOST.rootDiskUsed + 0.01 * Math.sin(this.timeMs / 86_400_000);
    const sinceS = (this.timeMs - this.scenarioSinceMs) / 1000;
    for (const c of this.containers) {
      const stopped = f.stoppedContainers?.includes(c.spec.name) ?? false;
      const looping = f.restartLoop?.containers.includes(c.spec.name) ?? false;
      if (stopped) {
        if (c.status !== 'exited') {
          c.status = 'exited';
          c.finishedMs = this.timeMs;
          c.exitCode = 0;
        }
      } else if (looping) {
        // Each cycle: crash at the end, 5 s restarting, then running again.
        const period = f.restartLoop!.restartEverySeconds;
        const cycles = Math.floor(sinceS / period);
        if (cycles > c.loopCycles) {
          c.restartCount += cycles - c.loopCycles;
          c.loopCycles = cycles;
          c.finishedMs = this.scenarioSinceMs + cycles * period * 1000;
          c.exitCode = 137;
        }
        if (cycles > 0 && sinceS - cycles * period < 5) c.status = 'restarting';
        else {
          if (c.status !== 'running') c.startedMs = this.timeMs;
          c.status = 'running';
        }
      } else if (c.status !== 'running') {
        c.status = 'running';
        c.startedMs = this.timeMs;
      }
    }
    for (const m of this.models) {
      const c = this.container(m.spec.container)!;
      if (c.status !== 'running') m.status = 'stopped';
      else if (f.failedModels?.includes(m.spec.container)) m.status = 'failed';
      else if (f.restartLoop?.containers.includes(m.spec.container)) m.status = 'loading';
      else if (f.drainingModels?.includes(m.spec.container)) m.status = 'draining';
      else if (m.status === 'draining')
        m.status = 'ready'; // still loaded: serves again at once
      else if (m.status === 'stopped' || m.status === 'failed') m.status = 'loading';
      else if (m.status === 'loading' && this.timeMs - c.startedMs >= 20_000) m.status = 'ready';
      c.health =
        m.status === 'ready' || m.status === 'draining'
          ? 'healthy'
          : m.status === 'loading'
            ? 'starting'
            : 'unhealthy';
    }
  }

  container(name: string): ContainerState | undefined {
    return this.containers.find((c) => c.spec.name === name);
  }

  /** A removed container, kept for rendering its past events (destroy, die). */
  removedContainer(name: string): ContainerState | undefined {
    return this.removed.get(name);
  }

  /**
   * `docker rm -f`: a running container is killed first (kill, die), then destroyed. The
   * containers the simulated upstreams run in (vLLM, LiteLLM, Langfuse) cannot be removed:
   * scenarios stop them instead.
   */
  removeContainer(name: string): 'removed' | 'not_found' | 'runs_an_upstream' {
    const i = this.containers.findIndex((c) => c.spec.name === name);
    if (i < 0) return 'not_found';
    const c = this.containers[i]!;
    if (c.spec.vllm || UPSTREAM_CONTAINERS.includes(name)) return 'runs_an_upstream';
    if (c.status === 'running') {
      this.recordEvent(name, 'kill', { signal: '9' });
      c.status = 'exited';
      c.exitCode = 137;
      c.finishedMs = this.timeMs;
      this.recordEvent(name, 'die', { exitCode: '137' });
    }
    this.containers.splice(i, 1);
    this.removed.set(name, c);
    this.recordEvent(name, 'destroy');
    return 'removed';
  }

  private step(dt: number): void {
    this.ticks++;
    const t = this.timeMs / 1000;
    const load = this.loadFactor(t);
    this.stepTraffic(dt, t, load);
    this.stepGpus(dt, t, load);
    this.stepHost(dt, t, load);
    this.stepContainers(dt, t, load);
  }

  private stepTraffic(dt: number, t: number, load: number): void {
    const s = this.settings;
    const total = BASE_REQUESTS_PER_SECOND * s.request_multiplier * load;
    this.models.forEach((m, i) => {
      const proxy = this.proxy[i]!;
      const key = keyOf(m.spec.container);
      const accepting = m.status === 'ready' || m.status === 'failed' || m.status === 'loading';
      // Requests reach LiteLLM for every model users know; drained and stopped ones get none.
      const rate = accepting ? total * m.spec.share : 0;
      const due = m.carry + rate * dt;
      const n = Math.floor(due);
      m.carry = due - n;
      let e2eSum = 0;
      for (let r = 0; r < n; r++) {
        const id = m.served++;
        const viaKey = proxy.keys[pickKey(uniform(this.seed, key, id, 10))]!;
        proxy.requests++;
        viaKey.requests++;
        const failed = m.status !== 'ready' || uniform(this.seed, key, id, 7) < s.error_rate;
        if (failed) {
          // Rejected before any token is processed (no healthy deployment, upstream error).
          proxy.failures++;
          viaKey.failures++;
          this.recordRequest(m, id, keyIndexOf(proxy, viaKey), 0, 0, 0.05, 0, true);
          continue;
        }
        const prompt = Math.max(
          8,
          Math.round(m.spec.promptTokens * Math.exp(0.5 * normal(this.seed, key, id, 1) - 0.125)),
        );
        const gen =
          m.spec.kind === 'embedding'
            ? 0
            : Math.max(
                1,
                Math.round(m.spec.generationTokens * Math.exp(0.6 * normal(this.seed, key, id, 2) - 0.18)),
              );
        const outlier = s.enable_anomalies && uniform(this.seed, key, id, 9) < 0.01 ? 5 : 1;
        const lat = s.latency_multiplier * outlier;
        const ttft = lat * (0.06 + prompt / 12000) * Math.exp(0.35 * normal(this.seed, key, id, 3));
        const itl = lat * 0.028 * Math.exp(0.15 * normal(this.seed, key, id, 4));
        const e2e = ttft + Math.max(0, gen - 1) * itl;
        e2eSum += e2e;
        const reason = gen > 0 && uniform(this.seed, key, id, 5) < 0.06 ? 'length' : 'stop';
        m.finished[reason]++;
        m.promptTokens += prompt;
        m.generationTokens += gen;
        const queued = lat * 0.004 * Math.exp(normal(this.seed, key, id, 8)) * load;
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
        if (uniform(this.seed, key, id, 6) < 0.002 * load) m.preemptions++;
        const spend = prompt * (m.spec.inputCostPerToken ?? 0) + gen * (m.spec.outputCostPerToken ?? 0);
        const overhead = 0.008 + 0.004 * uniform(this.seed, key, id, 11);
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
        this.recordRequest(m, id, keyIndexOf(proxy, viaKey), prompt, gen, e2e + overhead, spend, false);
      }
      // Little's law: requests in flight ≈ arrival rate × time in system.
      const meanE2e = n > 0 ? e2eSum / n : s.latency_multiplier * 9;
      const inFlight =
        m.status === 'ready' ? rate * meanE2e * (1 + 0.3 * smoothNoise(this.seed, key + 11, t, 30)) : 0;
      m.running = Math.max(0, Math.round(Math.min(inFlight, 256)));
      m.waiting = Math.max(0, Math.round(inFlight - 256) + (load > 1.3 && m.status === 'ready' ? 2 : 0));
      const gpu = this.gpus[m.spec.gpus[0]!]!;
      m.kvCacheUsage =
        m.status === 'ready'
          ? clamp(0.12 + 0.75 * gpu.utilization + 0.03 * smoothNoise(this.seed, key + 12, t, 20), 0, 1)
          : 0;
    });
  }

  private stepGpus(dt: number, t: number, load: number): void {
    const s = this.settings;
    const overheating = new Set(this.faults.overheatingGpus ?? []);
    for (const g of this.gpus) {
      // One model per GPU group in the standard layout; several small ones share in the dense one.
      const models = this.models.filter((m) => m.spec.gpus.includes(g.spec.index));
      const key = 100 + g.spec.index;
      let util = 0;
      let allocated = 0;
      for (const model of models) {
        const share = 1 / models.length;
        const fraction = model.spec.gpuMemoryUtilization ?? 0.9;
        if (model.status === 'ready') {
          const intensity = 1 + 0.1 * smoothNoise(this.seed, keyOf(model.spec.container), t, 300);
          util +=
            share * s.gpu_utilization * load * intensity * (1 + 0.03 * smoothNoise(this.seed, key, t, 15));
        } else if (model.status === 'draining') util += share * 0.02;
        else if (model.status === 'loading') util += share * 0.05;
        // vLLM preallocates its share of memory once loaded; nothing when stopped or failed.
        if (model.status === 'ready' || model.status === 'draining') allocated += fraction;
        else if (model.status === 'loading') allocated += fraction / 2;
      }
      util = clamp(util, 0, 1);
      g.utilization = util;
      g.memoryUtilization = clamp(util * 0.62 + 0.02 * smoothNoise(this.seed, key + 1, t, 15), 0, 1);
      g.memoryUsedMiB = Math.min(
        GPU.memoryMiB - GPU.reservedMiB,
        Math.round(GPU.memoryMiB * allocated + (allocated ? 12 : 0)),
      );
      const hot = overheating.has(g.spec.index);
      const target = 30 + 42 * util + (hot ? 40 : 0);
      g.temperatureC += (target - g.temperatureC) * (1 - Math.exp(-dt / 20));
      g.memoryTemperatureC = g.temperatureC + 7;
      g.thermalSlowdown = g.temperatureC >= 87;
      g.smClockMHz = util > 0.03 ? (g.thermalSlowdown ? 1410 : GPU.maxSmClockMHz) : GPU.idleSmClockMHz;
      g.pstate = allocated > 0 ? 'P0' : 'P8';
      const dynamic =
        (GPU.powerLimitW - GPU.idlePowerW) * Math.pow(util, 1.15) * (g.thermalSlowdown ? 0.8 : 1);
      g.powerW = Math.min(
        GPU.powerLimitW,
        GPU.idlePowerW + dynamic * (1 + 0.02 * smoothNoise(this.seed, key + 2, t, 5)),
      );
      g.energyJ += g.powerW * dt;
      g.processes = models.flatMap((m) => gpuProcess(this, g, m));
    }
  }

  private stepHost(dt: number, t: number, load: number): void {
    const s = this.settings;
    const h = this.host;
    let busySum = 0;
    h.cpuSeconds.forEach((cpu, i) => {
      const busy = clamp(
        s.cpu_load * load * (1 + 0.15 * smoothNoise(this.seed, 1000 + i, t, 20)),
        0.01,
        0.99,
      );
      busySum += busy;
      for (const mode of CPU_MODES) {
        cpu[mode] += dt * (mode === 'idle' ? 1 - busy : busy * (BUSY_SPLIT[mode] ?? 0));
      }
    });
    h.busy = busySum / HOST.cpus;
    const runnable = h.busy * HOST.cpus * 0.9;
    const decay = (period: number) => Math.exp(-dt / period);
    h.load1 = h.load1 * decay(60) + runnable * (1 - decay(60));
    h.load5 = h.load5 * decay(300) + runnable * (1 - decay(300));
    h.load15 = h.load15 * decay(900) + runnable * (1 - decay(900));
    h.procsRunning = Math.max(1, Math.round(runnable * 0.1));
    const used = 0.2 + 0.15 * s.cpu_load * load;
    h.memAvailableBytes = HOST.memoryBytes * (1 - used - 0.02 * smoothNoise(this.seed, 3, t, 60));
    h.cachedBytes = HOST.memoryBytes * 0.15;
    const requests = BASE_REQUESTS_PER_SECOND * s.request_multiplier * load;
    h.netRxBytes += dt * (2e6 * load + requests * 9e3);
    h.netTxBytes += dt * (1.5e6 * load + requests * 4e3);
    h.netRxPackets += dt * (1800 * load);
    h.netTxPackets += dt * (1500 * load);
    h.diskReads += dt * 40 * load;
    h.diskWrites += dt * 120 * load;
    h.diskReadBytes += dt * 2e6 * load;
    h.diskWrittenBytes += dt * 6e6 * load;
    h.diskIoSeconds += dt * 0.05 * load;
    h.contextSwitches += dt * HOST.cpus * 900 * (0.2 + h.busy);
    h.interrupts += dt * HOST.cpus * 400 * (0.2 + h.busy);
    h.forks += dt * 4;
  }

  private stepContainers(dt: number, t: number, load: number): void {
    const requests = BASE_REQUESTS_PER_SECOND * this.settings.request_multiplier * load;
    for (const c of this.containers) {
      if (c.status !== 'running') {
        c.pids = 0;
        continue;
      }
      const gpu = c.spec.gpus.length ? this.gpus[c.spec.gpus[0]!]!.utilization : 0;
      const activity = c.spec.vllm ? 0.2 + 0.8 * gpu : 0.3 + 0.5 * load;
      c.cpuSeconds += dt * c.spec.cpuCores * activity;
      c.memoryBytes = c.spec.memoryBytes * (1 + 0.03 * smoothNoise(this.seed, keyOf(c.spec.name), t, 120));
      const traffic = c.spec.vllm
        ? requests * c.spec.vllm.share
        : c.spec.name === 'litellm'
          ? requests
          : requests * 0.1;
      c.netRxBytes += dt * (traffic * 6e3 + 200);
      c.netTxBytes += dt * (traffic * 3e3 + 150);
      c.blkWriteBytes += dt * 2e3 * load;
      c.pids = c.spec.vllm ? 180 : 30;
    }
  }
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

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function containerId(seed: number, name: string): string {
  let id = '';
  for (let i = 0; id.length < 64; i++) id += hash32(seed, keyOf(name), i).toString(16).padStart(8, '0');
  return id.slice(0, 64);
}

/** The pid of a container's main process on the host (changes with every restart). */
export function mainPid(c: ContainerState): number {
  return 1_800_000 + (keyOf(c.spec.name) % 50_000) + c.restartCount * 97;
}

/** A model's process on a GPU: one worker per tensor-parallel rank, or the engine core. */
function gpuProcess(world: World, g: GpuState, model: ModelState): GpuProcess[] {
  if (model.status === 'stopped' || model.status === 'failed') return [];
  const c = world.container(model.spec.container)!;
  const rank = model.spec.gpus.indexOf(g.spec.index);
  const basePid = mainPid(c);
  const name = model.spec.gpus.length > 1 ? `VLLM::Worker_TP${rank}` : 'VLLM::EngineCore';
  const fraction = (model.spec.gpuMemoryUtilization ?? 0.9) / (model.status === 'loading' ? 2 : 1);
  return [
    {
      pid: basePid + rank * 7,
      name,
      usedMiB: Math.round(GPU.memoryMiB * fraction) - 8,
      container: c.spec.name,
    },
  ];
}
