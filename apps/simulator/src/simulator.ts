import { join } from 'node:path';
import type Router from '@koa/router';
import {
  type Collector,
  type ExporterConfigOf,
  type Logger,
  type RouteHelpers,
  type Source,
  counter,
  gauge,
} from '@llmmon/metrics-core';
import { controlRoutes } from './api/control';
import { dockerControlRoutes } from './api/docker-control';
import { SimClock } from './clock';
import type { simulatorConfig } from './config';
import { Store } from './store';
import { HostTreeWriter } from './upstreams/host-tree';
import { GpuStateWriter } from './upstreams/nvidia-smi/state';
import { DockerApi } from './upstreams/docker/server';
import { hubRoutes } from './upstreams/huggingface/hub';
import { LangfuseServer } from './upstreams/langfuse/server';
import { LitellmServer } from './upstreams/litellm/server';
import { LokiPusher } from './upstreams/loki/pusher';
import { VllmServers } from './upstreams/vllm/server';
import { scenarioByName } from './world/scenarios';
import { World } from './world/world';

export type SimulatorConfig = ExporterConfigOf<typeof simulatorConfig>;

const info = gauge(
  'llmmon_simulator_info',
  'Always 1: this is mock data; labels name the scenario and seed.',
  ['scenario', 'seed', 'clock', 'mock'],
);
const simTime = gauge('llmmon_simulator_time_seconds', 'The simulated clock, in Unix seconds.');
const speed = gauge('llmmon_simulator_speed_ratio', 'Simulated seconds per real second.');
const ticks = counter(
  'llmmon_simulator_world_steps_total',
  'World steps computed (each at most 5 simulated seconds).',
);
const lokiSent = counter('llmmon_simulator_loki_lines_sent_total', 'Log lines Loki accepted.');
const lokiDropped = counter(
  'llmmon_simulator_loki_lines_dropped_total',
  'Log lines given up on, by reason (rejected, buffer_full, future).',
  ['reason'],
);
const lokiFailures = counter(
  'llmmon_simulator_loki_push_failures_total',
  'Pushes to Loki that failed and will be retried, by kind.',
  ['kind'],
);
const lokiBuffered = gauge('llmmon_simulator_loki_buffered_lines', 'Log lines waiting to be pushed to Loki.');

/**
 * The simulated server: world, clock, store, and the upstream renderers that the real
 * exporters read. A source of the simulator's definition: started after its listener (the Hub
 * mirror is served there), its collector and control routes beside it.
 */
export class Simulator implements Source {
  readonly name = 'simulator';
  readonly world: World;
  readonly clock: SimClock;
  readonly store: Store;
  readonly collector: Collector;
  readonly hostTree: HostTreeWriter;
  readonly gpuState: GpuStateWriter;
  private nvmlLibrary: string | null = null;
  readonly vllm: VllmServers;
  readonly docker: DockerApi;
  readonly litellm: LitellmServer;
  readonly langfuse: LangfuseServer;
  readonly loki: LokiPusher | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** The control API's own address, once listening (the Hub mirror is served there). */
  private readonly url: () => string | undefined;

  constructor(
    readonly config: SimulatorConfig,
    readonly logger: Logger,
    opts: {
      now?: () => number;
      /** The bundled nvidia-smi shim; by default next to the running bundle. */
      nvidiaSmiScript?: string;
      url?: () => string | undefined;
      /** Where the simulated servers bind (the listener's interface). */
      host?: string;
    } = {},
  ) {
    const host = opts.host ?? '127.0.0.1';
    this.url = opts.url ?? (() => undefined);
    const now = opts.now ?? Date.now;
    this.store = new Store(join(config.SIM_DATA_DIR, 'simulator.db'));
    const stored = this.store.loadChoice();
    const initial = stored ?? {
      scenario: config.SIM_SCENARIO,
      settings: scenarioByName(config.SIM_SCENARIO)!.settings,
    };
    const startMs = config.SIM_START_TIME ? Date.parse(config.SIM_START_TIME) : now();
    this.clock = new SimClock(startMs, config.SIM_CLOCK, config.SIM_SPEED, now);
    this.world = new World(config.SIM_SEED, startMs, initial, config.SIM_LAYOUT, config.SIM_EXTRA_CONTAINERS);
    this.hostTree = new HostTreeWriter(join(config.SIM_DATA_DIR, 'host'), this.world);
    this.gpuState = new GpuStateWriter(config.SIM_DATA_DIR, this.world, opts.nvidiaSmiScript);
    this.vllm = new VllmServers(this.world, host, config.SIM_VLLM_BASE_PORT);
    this.docker = new DockerApi(
      this.world,
      join(config.SIM_DATA_DIR, 'docker.sock'),
      host,
      config.SIM_DOCKER_PORT,
      () => new Map(this.vllm.endpoints().map((e) => [e.container, Number(new URL(e.url).port)])),
    );
    this.litellm = new LitellmServer(
      this.world,
      host,
      config.SIM_LITELLM_PORT,
      config.SIM_LITELLM_MASTER_KEY ?? 'sk-llmmon-simulator',
      config.SIM_LITELLM_API_BASE_KEY,
      config.SIM_LITELLM_METRICS,
    );
    this.langfuse = new LangfuseServer(
      this.world,
      host,
      config.SIM_LANGFUSE_PORT,
      config.SIM_LANGFUSE_PUBLIC_KEY,
      config.SIM_LANGFUSE_SECRET_KEY ?? 'sk-lf-llmmon-sim',
    );
    this.loki = config.SIM_LOKI_URL
      ? new LokiPusher(
          this.world,
          {
            url: config.SIM_LOKI_URL,
            tenant: config.SIM_LOKI_TENANT,
            intervalMs: config.SIM_LOKI_PUSH_SECONDS * 1000,
            batchLines: config.SIM_LOKI_BATCH_LINES,
            timeoutMs: 5_000,
            maxBufferLines: 50_000,
          },
          logger,
          now,
        )
      : undefined;

    this.collector = {
      name: 'world',
      metrics: [info, simTime, speed, ticks, lokiSent, lokiDropped, lokiFailures, lokiBuffered],
      collect: (out) => {
        if (this.loki) {
          out.add(lokiSent, this.loki.sent.lines);
          for (const reason of ['rejected', 'buffer_full', 'future']) {
            out.add(lokiDropped, { reason }, this.loki.dropped.get(reason) ?? 0);
          }
          for (const [kind, n] of this.loki.failures) out.add(lokiFailures, { kind }, n);
          out.add(lokiBuffered, this.loki.buffered);
        }
        out.add(
          info,
          {
            scenario: this.world.choice.scenario,
            seed: String(this.world.seed),
            clock: this.clock.mode,
            mock: 'true',
          },
          1,
        );
        out.add(simTime, this.world.timeMs / 1000);
        out.add(
          speed,
          this.clock.mode === 'realtime' ? 1 : this.clock.mode === 'manual' ? 0 : this.clock.speed,
        );
        out.add(ticks, this.world.ticks);
      },
    };
  }

  /** The control API: scenario, clock, faults, containers; and the Hub mirror. */
  routes(router: Router, helpers: RouteHelpers): void {
    controlRoutes(router, helpers, {
      world: this.world,
      clock: this.clock,
      store: this.store,
      logger: this.logger,
      upstreams: () => this.upstreams(),
      // A manual clock jump (backfill) shows in /proc, /sys and nvidia-smi at once.
      onClockMoved: () => {
        this.tick();
        this.hostTree.write();
      },
    });
    dockerControlRoutes(router, helpers, { world: this.world, docker: this.docker, logger: this.logger });
    hubRoutes(router);
  }

  /** Where each simulated upstream answers: what an exporter pointed at the simulator needs. */
  upstreams() {
    return {
      host: { procfs: this.hostTree.procfs, sysfs: this.hostTree.sysfs, statfs: this.hostTree.statfsFile },
      nvidia_smi: this.gpuState.shimPath,
      /** The NVML stand-in library (NVML_LIBRARY), null where it could not be built. */
      nvml: this.nvmlLibrary,
      docker: { socket: this.docker.socketPath, url: this.docker.tcpUrl },
      vllm: this.vllm.endpoints(),
      litellm: { url: this.litellm.url },
      langfuse: { url: this.langfuse.url },
      huggingface: { url: this.url() ? `${this.url()}/hf` : null },
      loki: { url: this.config.SIM_LOKI_URL ?? null },
    };
  }

  /** Brings the world to the clock's time and refreshes what the exporters read from disk. */
  tick(): void {
    this.world.advanceTo(this.clock.now());
    this.gpuState.write();
    this.loki?.collect();
  }

  /** Writes the host tree and GPU state, installs the nvidia-smi shim, and starts every simulated server. */
  async start(): Promise<void> {
    this.tick();
    this.hostTree.write();
    this.gpuState.installShim();
    const nvml = this.gpuState.installNvml();
    this.nvmlLibrary = 'library' in nvml ? nvml.library : null;
    if ('reason' in nvml)
      this.logger.warn({ reason: nvml.reason }, 'no simulated NVML; exporters read nvidia-smi');
    const every = (seconds: number, fn: () => void) => {
      const timer = setInterval(() => {
        try {
          fn();
        } catch (err) {
          this.logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'simulation step failed',
          );
        }
      }, seconds * 1000);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.SIM_TICK_SECONDS, () => this.tick());
    every(this.config.SIM_HOST_REFRESH_SECONDS, () => this.hostTree.write());
    await this.vllm.start();
    await this.docker.start();
    await this.litellm.start();
    await this.langfuse.start();
    this.loki?.start();
    this.logger.info(
      {
        scenario: this.world.choice.scenario,
        procfs: this.hostTree.procfs,
        sysfs: this.hostTree.sysfs,
        nvidiaSmi: this.gpuState.shimPath,
      },
      'simulated server running',
    );
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.loki?.stop();
    this.timers = [];
    await this.vllm.stop();
    await this.docker.stop();
    await this.litellm.stop();
    await this.langfuse.stop();
    this.store.close();
  }
}
