import { runExporterMain } from '@llmmon/metrics-core';
import { containerExporter } from '@llmmon/exporter-container';

runExporterMain(containerExporter);
