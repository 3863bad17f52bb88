import { runExporterMain } from '@llmmon/metrics-core';
import { langfuseExporter } from '@llmmon/exporter-langfuse';

runExporterMain(langfuseExporter);
