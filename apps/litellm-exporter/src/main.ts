import { runExporterMain } from '@llmmon/metrics-core';
import { litellmExporter } from '@llmmon/exporter-litellm';

runExporterMain(litellmExporter);
