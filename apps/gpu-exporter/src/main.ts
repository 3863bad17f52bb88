import { runExporterMain } from '@llmmon/metrics-core';
import { gpuExporter } from '@llmmon/exporter-gpu';

runExporterMain(gpuExporter);
