import { ConfigError, defineExporter, env, gauge, startAgent, type Started } from '../src';
import { scrape, startDefinition, startTestAgent, TEST_ENV } from '../src/testing';

const answer = gauge('test_answer', 'A value the exporter serves.', ['who']);

/** A small exporter whose collector returns at once, or never (a hung upstream) once `hang` is set. */
function exporter(name: string, state: { hang: boolean }) {
  return defineExporter({
    name,
    description: `test exporter ${name}`,
    port: 0,
    config: { TEST_VALUE: env.int('The value served.', 42) },
    build: (config) => ({
      collectors: [
        {
          name: 'answer',
          metrics: [answer],
          collect: (out) =>
            state.hang
              ? new Promise<void>(() => undefined)
              : out.add(answer, { who: name }, config.TEST_VALUE),
        },
      ],
      routes: (router) => router.get('/api/v1/who', (ctx) => (ctx.body = { name })),
    }),
  });
}

describe('the agent', () => {
  const alpha = { hang: false };
  const beta = { hang: false };
  let agent: Started;
  beforeAll(async () => {
    agent = await startTestAgent([exporter('alpha', alpha), exporter('beta', beta)], {
      COLLECTOR_TIMEOUT_SECONDS: '30',
    });
  });
  afterAll(() => agent.stop());

  it('serves each exporter at its own path, its API under its name, and says where on /metrics', async () => {
    const a = await scrape(agent.url, { path: '/metrics/alpha' });
    expect(a.families.get('test_answer')!.samples[0]).toMatchObject({ labels: { who: 'alpha' }, value: 42 });
    expect(a.families.get('llmmon_exporter_build_info')!.samples[0]!.labels['exporter']).toBe('alpha');
    const b = await scrape(agent.url, { path: '/metrics/beta' });
    expect(b.families.get('test_answer')!.samples[0]!.labels).toEqual({ who: 'beta' });
    expect((await scrape(agent.url, { path: '/beta/api/v1/who' })).json).toEqual({ name: 'beta' });
    const root = await scrape(agent.url);
    expect(root.status).toBe(404);
    expect(root.json).toMatchObject({ detail: expect.stringContaining('/metrics/alpha, /metrics/beta') });
    expect((await scrape(agent.url, { path: '/ready' })).json).toEqual({ status: 'ready' });
  });

  it('answers one exporter while another one hangs in its collection', async () => {
    beta.hang = true;
    let betaDone = false;
    const abort = new AbortController();
    const hung = fetch(`${agent.url}/metrics/beta`, { signal: abort.signal }).finally(
      () => (betaDone = true),
    );
    // Both requests are in flight; alpha's answer comes while beta's is still pending.
    const a = await scrape(agent.url, { path: '/metrics/alpha' });
    expect(a.status).toBe(200);
    expect(a.families.get('test_answer')!.samples[0]!.value).toBe(42);
    expect(betaDone).toBe(false);
    beta.hang = false;
    abort.abort();
    await hung.catch(() => undefined);
  });
});

it('serves the same series in the agent as standalone', async () => {
  const state = { hang: false };
  const standalone = await startDefinition(exporter('alpha', state), { TEST_VALUE: '7' });
  const agent = await startTestAgent([exporter('alpha', state)], { TEST_VALUE: '7' });
  try {
    const series = async (url: string, path: string) => {
      const r = await scrape(url, { path });
      return [...r.families.values()]
        .filter((f) => !/^(process_|nodejs_)/.test(f.name) && !f.name.includes('duration'))
        .flatMap((f) => f.samples.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`))
        .filter((line) => !line.startsWith('llmmon_exporter_collections_total'))
        .sort();
    };
    expect(await series(agent.url, '/metrics/alpha')).toEqual(await series(standalone.url, '/metrics'));
  } finally {
    await standalone.stop();
    await agent.stop();
  }
});

it('refuses a bad configuration naming the variable and the exporter it belongs to', async () => {
  const defs = [exporter('alpha', { hang: false }), exporter('beta', { hang: false })];
  await expect(startAgent(defs, { ...TEST_ENV, AGENT_EXPORTERS: 'alpha,gamma' })).rejects.toThrow(
    /AGENT_EXPORTERS: unknown item\(s\) gamma/,
  );
  const bad = startAgent(defs, { ...TEST_ENV, TEST_VALUE: 'many' });
  await expect(bad).rejects.toBeInstanceOf(ConfigError);
  await expect(bad).rejects.toThrow(/TEST_VALUE: expected an integer .* \(the alpha exporter/);
});
