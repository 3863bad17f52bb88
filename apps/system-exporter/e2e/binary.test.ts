import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { scrape } from '@llmmon/metrics-core/testing';
import { BUILT_MAIN, startBuiltExporter } from './helpers';

// These run the bundle that `npm run demo` and the images run (built by Nx before `test`).
beforeAll(() => {
  if (!existsSync(BUILT_MAIN))
    throw new Error(`${BUILT_MAIN} is missing: run "npx nx build system-exporter" first`);
});

function runWithEnv(env: Record<string, string>) {
  return spawnSync(BUILT_MAIN, [], {
    env: { PATH: process.env['PATH'], ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('the built system exporter', () => {
  it.each([
    [{ PORT: 'ninety' }, 'PORT: expected a TCP port between 0 and 65535 (got "ninety")'],
    [{ COLLECTORS: 'cpu,gpu' }, 'COLLECTORS: unknown item(s) gpu'],
    [{ SCRAPE_CACHE_SECONDS: '-5' }, 'SCRAPE_CACHE_SECONDS: expected a number of seconds'],
    [{ METRICS_AUTH_USERNAME: 'prom' }, 'METRICS_AUTH_PASSWORD: must be set together'],
  ])('exits 2 with one clear line for bad configuration %j', (env, message) => {
    const r = runWithEnv(env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toMatch(/^llmmon: invalid configuration: /);
  });

  it('serves the real host, requires auth when configured, and exits cleanly on SIGTERM', async () => {
    const { proc, url } = await startBuiltExporter({ METRICS_AUTH_TOKEN: 'prom-scrape-token' });
    try {
      const denied = await scrape(url);
      expect(denied.status).toBe(401);
      expect(denied.json).toMatchObject({ error: 'unauthorized' });
      const ok = await scrape(url, { headers: { authorization: 'Bearer prom-scrape-token' } });
      expect(ok.status).toBe(200);
      expect(ok.families.get('node_cpu_seconds_total')!.samples.length).toBeGreaterThan(0);
      const failed = ok.families
        .get('llmmon_exporter_collector_success')!
        .samples.filter((s) => s.value !== 1);
      expect(failed).toEqual([]);
    } finally {
      const exit = new Promise<number | null>((r) => proc.child.once('exit', (code) => r(code)));
      await proc.stop();
      expect(await exit).toBe(0);
    }
  });
});
