import { ConfigError, defineExporter, type BuildContext } from '@llmmon/metrics-core';
import { simulatorConfig } from './config';
import { Simulator, type SimulatorConfig } from './simulator';

/** The simulator's parts, with the Simulator itself (tests drive its world and servers). */
export function simulatorParts(
  config: SimulatorConfig,
  ctx: BuildContext,
  opts: { nvidiaSmiScript?: string } = {},
) {
  const sim = new Simulator(config, ctx.logger, { url: ctx.url, host: ctx.host, ...opts });
  return {
    sim,
    parts: {
      sources: [sim],
      collectors: [sim.collector],
      routes: (router: Parameters<Simulator['routes']>[0], helpers: Parameters<Simulator['routes']>[1]) =>
        sim.routes(router, helpers),
    },
  };
}

/**
 * A digital twin of an 8x H200 LLM server: it plays the upstreams (host, GPUs, Docker, vLLM,
 * LiteLLM, Langfuse, Hugging Face) the real exporters read; its control API changes the
 * scenario and the clock.
 */
export const simulatorDefinition = defineExporter({
  name: 'simulator',
  description:
    'A digital twin of an 8x H200 LLM server: plays the upstreams that the real exporters read; control API for scenarios and the clock.',
  port: 23100,
  config: simulatorConfig,
  control: true,
  validate: (c) => {
    if (c.SIM_START_TIME && Number.isNaN(Date.parse(c.SIM_START_TIME))) {
      throw new ConfigError('SIM_START_TIME', `expected an ISO 8601 instant (got "${c.SIM_START_TIME}")`);
    }
  },
  build: (config, ctx) => simulatorParts(config, ctx).parts,
});
