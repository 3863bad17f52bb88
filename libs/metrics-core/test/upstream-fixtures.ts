/** The upstream /metrics fixtures (vLLM V0 and V1, the other vLLM containers, LiteLLM), for tests and the bench. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '@llmmon/fixtures';

export const FIXTURES = FIXTURES_DIR;
export const UPSTREAM_FIXTURES = [
  'vllm-metrics-v0.6.txt',
  'vllm-metrics-v0.11.txt',
  ...readdirSync(join(FIXTURES, 'vllm-v0.11-other-containers'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => `vllm-v0.11-other-containers/${f}`),
  'litellm-metrics.txt',
];
export const readFixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
