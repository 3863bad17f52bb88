import { ADMIN_TOKEN, put, startSimulator } from './helpers';

describe('scenario control API', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    s = await startSimulator();
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  const current = async () =>
    (await (await fetch(`${s.url}/api/v1/scenario`)).json()) as {
      scenario: string;
      settings: Record<string, unknown>;
    };

  it('lists the scenarios with their settings and ranges', async () => {
    const body = (await (await fetch(`${s.url}/api/v1/scenarios`)).json()) as {
      scenarios: { name: string }[];
    };
    expect(body.scenarios.map((x) => x.name)).toEqual([
      'normal',
      'high_load',
      'degraded',
      'maintenance',
      'gpu_overheat',
      'gpu_failure',
      'model_load_failure',
      'container_restart_loop',
      'engine_stall',
      'load_ramp',
      'disk_almost_full',
    ]);
    expect(await current()).toMatchObject({
      scenario: 'normal',
      settings: { cpu_load: 0.3, gpu_utilization: 0.6 },
    });
  });

  it.each([
    ['an unknown scenario', '{"scenario":"meltdown"}', 400, 'scenario: unknown scenario'],
    [
      'a wrong type',
      '{"scenario":"normal","settings":{"cpu_load":"high"}}',
      400,
      'settings.cpu_load: expected a number between 0 and 1',
    ],
    [
      'an out-of-range number',
      '{"scenario":"normal","settings":{"request_multiplier":1000}}',
      400,
      'settings.request_multiplier: expected a number between 0 and 100',
    ],
    [
      'an unknown setting',
      '{"scenario":"normal","settings":{"fan_speed":1}}',
      400,
      'settings.fan_speed: unknown setting',
    ],
    [
      'a non-boolean flag',
      '{"scenario":"normal","settings":{"enable_anomalies":1}}',
      400,
      'settings.enable_anomalies: expected true or false',
    ],
    ['an unknown field', '{"scenario":"normal","extra":1}', 400, 'extra: unknown field'],
    ['an array', '[1,2]', 400, 'body: expected a JSON object'],
    ['invalid JSON', '{"scenario":', 400, 'the body is not valid JSON'],
    ['a 1 MB body', JSON.stringify({ scenario: 'normal', pad: 'x'.repeat(1024 * 1024) }), 413, 'limit'],
  ])('rejects %s with a JSON error and changes nothing', async (_what, body, status, detail) => {
    const res = await put(`${s.url}/api/v1/scenario`, body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: string; detail: string };
    expect(json.detail).toContain(detail);
    expect((await current()).scenario).toBe('normal');
  });

  it('wants JSON, and the admin token', async () => {
    expect(
      (await put(`${s.url}/api/v1/scenario`, '{"scenario":"degraded"}', { 'content-type': 'text/plain' }))
        .status,
    ).toBe(415);
    const noToken = await fetch(`${s.url}/api/v1/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"scenario":"degraded"}',
    });
    expect(noToken.status).toBe(401);
    expect(
      (await put(`${s.url}/api/v1/scenario`, '{"scenario":"degraded"}', { authorization: 'Bearer nope' }))
        .status,
    ).toBe(403);
    expect((await current()).scenario).toBe('normal');
  });

  it('switches scenario with settings overriding its defaults', async () => {
    const res = await put(
      `${s.url}/api/v1/scenario`,
      '{"scenario":"high_load","settings":{"error_rate":0.02}}',
    );
    expect(res.status).toBe(200);
    expect(await current()).toMatchObject({
      scenario: 'high_load',
      settings: { cpu_load: 0.8, gpu_utilization: 0.9, error_rate: 0.02, request_multiplier: 2 },
    });
  });

  it('moves a manual clock forward only', async () => {
    const ahead = await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T15:30:00Z"}');
    expect(ahead.status).toBe(200);
    expect(await ahead.json()).toMatchObject({ mode: 'manual', time: '2025-11-18T15:30:00.000Z' });
    expect((await (await fetch(`${s.url}/api/v1/scenario`)).json()) as object).toMatchObject({
      sim_time: '2025-11-18T15:30:00.000Z',
    });
    const back = await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T15:00:00Z"}');
    expect(back.status).toBe(400);
    expect(await back.json()).toMatchObject({ detail: 'time: the clock only moves forward' });
  });
});

describe('persistence', () => {
  it('keeps the scenario and settings across a restart', async () => {
    const first = await startSimulator();
    expect(
      (
        await put(
          `${first.url}/api/v1/scenario`,
          '{"scenario":"gpu_overheat","settings":{"gpu_utilization":0.7}}',
        )
      ).status,
    ).toBe(200);
    await first.stop();
    const second = await startSimulator({}, first.dataDir);
    try {
      const body = await (await fetch(`${second.url}/api/v1/scenario`)).json();
      expect(body).toMatchObject({ scenario: 'gpu_overheat', settings: { gpu_utilization: 0.7 } });
      const metrics = await (await fetch(`${second.url}/metrics`)).text();
      expect(metrics).toMatch(
        /llmmon_simulator_info\{scenario="gpu_overheat",seed="42",clock="manual",mock="true"\} 1/,
      );
    } finally {
      await second.stop();
      second.cleanup();
    }
  });

  it('refuses changes when no admin token is configured', async () => {
    const s = await startSimulator({ ADMIN_TOKEN: '' });
    try {
      const res = await fetch(`${s.url}/api/v1/scenario`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: '{"scenario":"degraded"}',
      });
      expect(res.status).toBe(403);
    } finally {
      await s.stop();
      s.cleanup();
    }
  });
});

describe('upstream directory', () => {
  it('says where every simulated upstream answers', async () => {
    const s = await startSimulator();
    try {
      const body = (await (await fetch(`${s.url}/api/v1/upstreams`)).json()) as {
        vllm: { container: string; url: string }[];
        docker: { socket: string; url: string };
        litellm: { url: string };
      };
      expect(body.vllm).toHaveLength(5);
      expect((await fetch(`${body.vllm[0]!.url}/health`)).status).toBe(200);
      expect(await (await fetch(`${body.docker.url}/_ping`)).text()).toBe('OK');
      expect((await fetch(`${body.litellm.url}/health/liveliness`)).status).toBe(200);
    } finally {
      await s.stop();
      s.cleanup();
    }
  });
});
