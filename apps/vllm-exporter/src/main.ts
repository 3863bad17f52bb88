import { runExporterMain } from '@llmmon/metrics-core';
import { vllmExporter } from '@llmmon/exporter-vllm';

runExporterMain(vllmExporter);
