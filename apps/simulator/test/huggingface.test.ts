import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VLLM } from '../src/world/layout';
import { hubModel } from '../src/upstreams/huggingface/hub';
import { startSimulator } from './helpers';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURE = JSON.parse(readFileSync(join(FIXTURES_DIR, 'hf-model-llama-3.1-70b.json'), 'utf8')) as Record<
  string,
  unknown
>;

describe('simulated Hugging Face Hub mirror', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    s = await startSimulator();
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  it('knows every simulated model, with keys the real Hub answers with', () => {
    for (const v of VLLM) {
      const body = hubModel(v.model)!;
      expect(body).toBeDefined();
      for (const key of Object.keys(body)) expect(Object.keys(FIXTURE)).toContain(key);
    }
  });

  it('agrees with the fixture on what the exporter reads', () => {
    const body = hubModel('meta-llama/Llama-3.1-70B-Instruct')!;
    for (const key of ['id', 'pipeline_tag', 'safetensors', 'library_name', 'gated'])
      expect(body[key]).toEqual(FIXTURE[key]);
    expect((body['cardData'] as { license: string }).license).toBe('llama3.1');
  });

  it('serves them under /hf (listed in the upstreams), 404 for anything else', async () => {
    const hub = s.sim.upstreams().huggingface.url;
    expect(hub).toBe(`${s.url}/hf`);
    const ok = await fetch(`${hub}/api/models/intfloat/e5-mistral-7b-instruct`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { pipeline_tag: string }).pipeline_tag).toBe('feature-extraction');
    expect((await fetch(`${hub}/api/models/acme/unknown-model`)).status).toBe(404);
  });
});
