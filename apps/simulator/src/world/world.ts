/**
 * The world model: one state, advanced on a clock, from which every upstream is rendered.
 * Each subsystem lives in its own file (traffic, gpus, host, containers) with its initial state
 * and its step; this class holds the state, the clock, the scenario and the events, and steps
 * the subsystems in order: traffic first (GPU load follows it), then GPUs, host, containers.
 */
import { containersOf, HOST, type LayoutName } from './layout';
import { smoothNoise, uniform } from './random';
import { scenarioByName, type Faults, type ScenarioChoice, type Settings } from './scenarios';
import type {
  ContainerState,
  DailyUsage,
  GpuState,
  HostState,
  ModelState,
  ProxyModelState,
  RequestRecord,
  WorldEvent,
  XidEvent,
} from './state';
import { SERVER } from './streams';
import { applyFaults, initialContainers, stepContainers, UPSTREAM_CONTAINERS } from './containers';
import { initialGpus, stepGpus } from './gpus';
import { initialHost, stepHost } from './host';
import { initialModels, initialProxy, stepTraffic } from './traffic';

export * from './state';
export { mainPid } from './containers';

/** Longest simulated step; bigger jumps are integrated in pieces of this size. */
export const MAX_STEP_SECONDS = 5;

/** How many events are kept for replay (/events?since=…). */
const EVENT_HISTORY = 5000;
/** How many XIDs the simulated driver keeps for NVML's event queue. */
const XID_HISTORY = 64;

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
  /** XID errors, oldest first (bounded to XID_HISTORY). */
  readonly xids: XidEvent[] = [];
  private xidSeq = 1;
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
    const containers = containersOf(layout, extraContainers);
    this.gpus = initialGpus(uptime, layout);
    this.containers = initialContainers(containers, seed, uptime);
    this.models = initialModels(containers.flatMap((c) => (c.vllm ? [c.vllm] : [])));
    this.proxy = initialProxy(this.models);
    this.host = initialHost(uptime);
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
    const noise = 1 + 0.04 * smoothNoise(this.seed, SERVER.loadNoise, tSeconds, 120);
    let spike = 1;
    if (this.settings.enable_anomalies) {
      const window = Math.floor(tSeconds / 600);
      if (uniform(this.seed, SERVER.loadSpikes, window) < 0.03) spike = 1.5;
    }
    return daily * wave * noise * spike;
  }

  /** The load_ramp scenario's multiplier: 1 at its start, growing each minute up to its max. */
  private rampFactor(): number {
    const ramp = this.faults.loadRamp;
    if (!ramp) return 1;
    const minutes = Math.max(0, this.timeMs - this.scenarioSinceMs) / 60_000;
    return Math.min(ramp.max, 1 + ramp.perMinute * minutes);
  }

  /** A container lifecycle event, for Docker's /events. */
  recordEvent(container: string, action: string, attributes?: Record<string, string>): void {
    this.events.push({
      seq: this.eventSeq++,
      timeMs: this.timeMs,
      container,
      action,
      ...(attributes ? { attributes } : {}),
    });
    if (this.events.length > EVENT_HISTORY) this.events.splice(0, this.events.length - EVENT_HISTORY);
  }

  /** An XID error on a GPU, for NVML's event queue. */
  recordXid(gpu: number, code: number): void {
    this.xids.push({ seq: this.xidSeq++, timeMs: this.timeMs, gpu, code });
    if (this.xids.length > XID_HISTORY) this.xids.splice(0, this.xids.length - XID_HISTORY);
  }

  /** Container and model status from the scenario's faults, with the events of any change. */
  private applyStatus(): void {
    const before = this.containers.map((c) => [c.status, c.health] as const);
    applyFaults(this);
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
    const load = this.loadFactor(t) * this.rampFactor();
    stepTraffic(this, dt, t, load);
    stepGpus(this, dt, t, load);
    stepHost(this, dt, t, load);
    stepContainers(this, dt, t, load);
  }
}
