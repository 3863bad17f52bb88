import {
  ConfigError,
  createLogger,
  loadConfigOrExit,
  redactConfig,
  serveUntilSignal,
  validateExporterConfig,
} from '@llmmon/metrics-core';
import { configSchema } from './config';
import { Simulator } from './simulator';

const config = loadConfigOrExit(configSchema, process.env, (c) => {
  validateExporterConfig(c);
  if (c.SIM_START_TIME && Number.isNaN(Date.parse(c.SIM_START_TIME))) {
    throw new ConfigError('SIM_START_TIME', `expected an ISO 8601 instant (got "${c.SIM_START_TIME}")`);
  }
});
const logger = createLogger('simulator', config.LOG_LEVEL);
logger.info({ config: redactConfig(configSchema, config) }, 'starting');

const sim = new Simulator(config, logger);
void serveUntilSignal(sim, logger, {
  scenario: sim.world.choice.scenario,
  procfs: sim.hostTree.procfs,
  sysfs: sim.hostTree.sysfs,
  nvidiaSmi: sim.gpuState.shimPath,
});
