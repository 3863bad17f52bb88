import { runExporterMain } from '@llmmon/metrics-core';
import { simulatorDefinition } from './definition';

runExporterMain(simulatorDefinition);
