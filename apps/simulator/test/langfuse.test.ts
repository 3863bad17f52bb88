import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { put, shape, startSimulator } from './helpers';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** Types may legitimately be null in one and set in the other (release, output…): compare keys only there. */
const keysOnly = (s: string[]) => s.filter((k) => !k.includes(':'));

describe('simulated Langfuse public API', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  let url: string;
  const auth = {
    authorization: `Basic ${Buffer.from('pk-lf-llmmon-sim:sk-lf-llmmon-sim').toString('base64')}`,
  };
  const get = async (path: string, headers: Record<string, string> = auth) => {
    const res = await fetch(`${url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  beforeAll(async () => {
    s = await startSimulator();
    url = s.sim.langfuse.url!;
    await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T16:30:00Z"}');
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  it('answers health without credentials and everything else only with the project keys', async () => {
    expect((await get('/api/public/health', {})).body).toEqual({
      status: 'OK',
      version: '3.120.0',
      llmmon_mock: true,
    });
    expect((await get('/api/public/traces', {})).status).toBe(401);
    const wrong = { authorization: `Basic ${Buffer.from('pk-lf-llmmon-sim:nope').toString('base64')}` };
    expect((await get('/api/public/traces', wrong)).status).toBe(401);
  });

  it('serves daily metrics in the fixture shape, agreeing with what LiteLLM counted', async () => {
    const { body } = await get('/api/public/metrics/daily?page=1&limit=50');
    expect(keysOnly(shape(body, { depth: 3, arrays: true }))).toEqual(
      keysOnly(shape(fixture('langfuse-metrics-daily.json'), { depth: 3, arrays: true })),
    );
    const today = body['data'][0];
    const llama = today.usage.find((u: { model: string }) => u.model === 'meta-llama/Llama-3.1-70B-Instruct');
    const proxy = s.sim.world.proxy.find((p) => p.alias === 'llama-3.1-70b')!;
    expect(llama.inputUsage).toBe(proxy.promptTokens);
    expect(llama.outputUsage).toBe(proxy.completionTokens);
  });

  it('pages through traces newest first with the fixture keys, and filters by user', async () => {
    const { body } = await get('/api/public/traces?page=1&limit=3');
    expect(keysOnly(shape(body, { depth: 3, arrays: true }))).toEqual(
      keysOnly(shape(fixture('langfuse-traces.json'), { depth: 3, arrays: true })),
    );
    expect(body['data']).toHaveLength(3);
    const times = body['data'].map((t: { createdAt: string }) => Date.parse(t.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const page2 = (await get('/api/public/traces?page=2&limit=3')).body;
    expect(page2['data'][0].id).not.toBe(body['data'][0].id);
    expect(page2['meta']).toMatchObject({ page: 2, limit: 3, totalItems: body['meta'].totalItems });
    const user = body['data'][0].userId;
    const mine = (await get(`/api/public/traces?userId=${user}&limit=100`)).body['data'];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t: { userId: string }) => t.userId === user)).toBe(true);
  });

  it('links observations and scores to their traces, and lists sessions', async () => {
    const trace = (await get('/api/public/traces?limit=1')).body['data'][0];
    const obs = (await get(`/api/public/observations?traceId=${trace.id}`)).body['data'];
    expect(obs.map((o: { id: string }) => o.id)).toEqual(trace.observations);
    const scores = (await get('/api/public/scores?limit=100&name=helpfulness')).body['data'];
    expect(scores.length).toBeGreaterThan(0);
    expect(scores.every((x: { value: number }) => x.value >= 0 && x.value <= 1)).toBe(true);
    const sessions = (await get('/api/public/sessions?limit=10')).body;
    expect(sessions['data'][0]).toMatchObject({
      projectId: 'cm3k9x2ab0001ml07prodllm',
      environment: 'default',
    });
  });

  it('rejects bad paging with 400', async () => {
    expect((await get('/api/public/traces?limit=1000')).status).toBe(400);
    expect((await get('/api/public/traces?page=0')).status).toBe(400);
    expect((await get('/api/public/traces?fromTimestamp=yesterday')).status).toBe(400);
  });
});
