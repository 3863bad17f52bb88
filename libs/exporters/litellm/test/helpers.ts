import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExporterConfig, silentLogger, UpstreamHealth, type Logger } from '@llmmon/metrics-core';
import { FAKE_LITELLM_KEY } from '@llmmon/fixtures';
import { litellmExporter, litellmParts } from '../src/definition';

/**
 * The exporter's parts against a proxy at `url`, wired as the definition wires them, from
 * the exporter's own configuration (`env` on top of the test defaults: the fake's key, no Hub,
 * a state directory of its own), with the handles to refresh by hand.
 */
export function litellmFor(url: string, env: Record<string, string> = {}, logger: Logger = silentLogger()) {
  const config = loadExporterConfig(litellmExporter, {
    LITELLM_URL: url,
    LITELLM_API_KEY: FAKE_LITELLM_KEY,
    HF_METADATA: 'false',
    LITELLM_STATE_DIR: join(mkdtempSync(join(tmpdir(), 'llmmon-litellm-')), 'state'),
    ...env,
  });
  const upstreams = new UpstreamHealth('litellm', logger);
  return { ...litellmParts(config, { logger, upstreams }), upstreams, config };
}
