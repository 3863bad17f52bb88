/**
 * The LiteLLM exporter over a stand-in proxy answering with the fixtures: golden exposition
 * for a healthy and a degraded proxy, the old token metric names, and what must never leak.
 */
import { join } from 'node:path';
import { parseExposition } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { errorClassOf, parseModelInfo, safeEndpoint } from '../src/proxy';
import { litellmFor } from './helpers';
import {
  FAKE_LITELLM_KEY as KEY,
  oldLitellmNames as oldNames,
  readFixture as read,
  startFakeLitellm,
  type FakeLitellmOptions,
} from '@llmmon/fixtures';

const goldens = new GoldenFiles(join(__dirname, 'golden'));
afterAll(() => goldens.assertNoOrphans());

/** Everything the exporter writes for one scrape of a stand-in proxy, without timings. */
async function scrapeOf(o: FakeLitellmOptions = {}, key = KEY): Promise<string> {
  const fake = await startFakeLitellm(o);
  try {
    const p = litellmFor(fake.url, { LITELLM_API_KEY: key });
    await p.snapshot.refresh();
    const text = await renderCollector(p.collector, p.upstreams);
    // Timings change every run.
    return text
      .split('\n\n')
      .filter((b) => !/llmmon_upstream_(last_success_timestamp|read_duration)/.test(b))
      .join('\n\n');
  } finally {
    await fake.close();
  }
}

const value = (text: string, family: string, labels: Record<string, string> = {}) =>
  sampleValue(parseExposition(text), family, labels);

describe('the LiteLLM fixtures', () => {
  it('render the golden exposition: catalog, health, readiness, traffic per model group', async () => {
    const text = await scrapeOf();
    goldens.match('healthy.prom', text);
    // No per-key, per-user, per-IP label survives.
    for (const label of [
      'hashed_api_key',
      'api_key_alias',
      'user',
      'end_user',
      'client_ip',
      'user_agent',
      'team',
    ]) {
      expect(text).not.toContain(`${label}=`);
    }
    expect(value(text, 'llmmon_litellm_input_tokens_total', { model_group: 'llama-3.1-70b' })).toBe(
      367441356,
    );
    // Every model group of the catalog counts failures, from 0 where there were none.
    const failures = parseExposition(text).get('llmmon_litellm_request_failures_total')!.samples;
    expect(failures.map((s) => s.labels['model_group']).sort()).toEqual([
      'e5-mistral-embed',
      'llama-3.1-70b',
      'llama-3.1-8b',
      'mixtral-8x7b',
      'qwen2.5-72b',
    ]);
    expect(value(text, 'llmmon_upstream_up', { upstream: 'litellm_metrics' })).toBe(1);
  });

  it('render a degraded proxy: the unreachable deployment unhealthy with its error class, not its text', async () => {
    const text = await scrapeOf({ health: 'litellm-health-degraded.json' });
    goldens.match('degraded.prom', text);
    expect(value(text, 'llmmon_litellm_deployment_healthy', { model_group: 'mixtral-8x7b' })).toBe(0);
    expect(text).toContain('error_class="APIConnectionError"');
    expect(text).not.toContain('Cannot connect');
  });

  it('read the old token metric names (before LiteLLM 1.75) into the same families', async () => {
    const now = parseExposition(await scrapeOf());
    const old = parseExposition(await scrapeOf({ metrics: oldNames }));
    for (const f of ['llmmon_litellm_input_tokens_total', 'llmmon_litellm_output_tokens_total']) {
      expect(old.get(f)!.samples).toEqual(now.get(f)!.samples);
    }
    // Requests from the old by-model counter, mapped to the group through the catalog.
    const groups = old
      .get('llmmon_litellm_requests_total')!
      .samples.filter((s) => s.value > 0)
      .map((s) => s.labels['model_group'])
      .sort();
    expect(groups).toEqual([
      'e5-mistral-embed',
      'llama-3.1-70b',
      'llama-3.1-8b',
      'mixtral-8x7b',
      'qwen2.5-72b',
    ]);
  });

  it('with a wrong key: the admin API down, no catalog, traffic still read', async () => {
    const text = await scrapeOf({}, 'sk-wrong-key-0000000000');
    expect(value(text, 'llmmon_upstream_up', { upstream: 'litellm' })).toBe(0);
    expect(value(text, 'llmmon_upstream_errors_total', { upstream: 'litellm', kind: 'http_status' })).toBe(1);
    expect(parseExposition(text).get('llmmon_litellm_model_info')).toBeUndefined();
  });

  it('never shows a credential from api_base', async () => {
    const secret = 'sk-in-api-base-5f3c';
    const text = await scrapeOf({
      modelInfo: (body) =>
        body.replace(
          'http://vllm-llama70b:8000/v1',
          `http://admin:${secret}@vllm-llama70b:8000/v1?api_key=${secret}`,
        ),
    });
    expect(text).not.toContain(secret);
    expect(text).toContain('endpoint="http://vllm-llama70b:8000/v1"');
  });
});

describe('parsing', () => {
  it('keeps endpoints without credentials, query or fragment', () => {
    expect(safeEndpoint('https://u:p@api.example.com:8443/v1?key=s#x')).toBe(
      'https://api.example.com:8443/v1',
    );
    expect(safeEndpoint('not a url with sk-secret')).toBe('');
  });

  it('names the error class, not the error', () => {
    expect(errorClassOf('litellm.APIConnectionError: Hosted_vllmException - Cannot connect')).toBe(
      'APIConnectionError',
    );
    expect(errorClassOf('litellm.Timeout: Connection timed out after 600s')).toBe('Timeout');
    expect(errorClassOf('something odd')).toBe('unknown');
  });

  it('types every catalog entry from its mode', () => {
    const types = parseModelInfo(JSON.parse(read('litellm-model-info.json'))).map((d) => [d.group, d.type]);
    expect(types).toContainEqual(['e5-mistral-embed', 'embedding']);
    expect(types).toContainEqual(['llama-3.1-70b', 'chat']);
  });
});
