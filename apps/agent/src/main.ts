import { runAgentMain } from '@llmmon/metrics-core';
import { containerExporter } from '@llmmon/exporter-container';
import { gpuExporter } from '@llmmon/exporter-gpu';
import { langfuseExporter } from '@llmmon/exporter-langfuse';
import { litellmExporter } from '@llmmon/exporter-litellm';
import { systemExporter } from '@llmmon/exporter-system';
import { vllmExporter } from '@llmmon/exporter-vllm';

runAgentMain([
  systemExporter,
  gpuExporter,
  containerExporter,
  vllmExporter,
  litellmExporter,
  langfuseExporter,
]);
