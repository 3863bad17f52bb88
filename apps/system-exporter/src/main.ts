import { runExporterMain } from '@llmmon/metrics-core';
import { systemExporter } from '@llmmon/exporter-system';

runExporterMain(systemExporter);
