/**
 * The built agent on the simulated server: each exporter at /metrics/<name> serves the series
 * that exporter serves standalone (its definition in-process, the same code its app runs) for
 * the same upstreams; a hung upstream of one exporter leaves every other path answering.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrape, startDefinition, type ScrapeResult } from '@llmmon/metrics-core/testing';
import {
  freePort,
  startProcess,
  startSimulator,
  type ManagedProcess,
  type RunningSimulator,
} from '@llmmon/native-stack';
import { simulatedEnv, TOPOLOGY } from '@llmmon/topology';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/agent/main.js');

/** Values that depend on the process or the moment, not on what the upstreams say. */
const VOLATILE =
  /^(process_|nodejs_|llmmon_exporter_collections_total|llmmon_exporter_collector_duration_seconds|llmmon_upstream_(last_success_timestamp|read_duration)_seconds|node_time_seconds|node_timex|llmmon_container_uptime_seconds|container_last_seen|llmmon_langfuse_active_)/;

/** Every series of a scrape (name and labels), with its value where the value is stable. */
function series(r: ScrapeResult): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const f of r.families.values()) {
    // Process metrics are the process's: one process, six exporters in the agent.
    if (/^(process_|nodejs_)/.test(f.name)) continue;
    for (const s of f.samples) {
      const key = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
      out.set(key, VOLATILE.test(s.name) ? undefined : s.value);
    }
  }
  return out;
}

/** The built agent on loopback; `ready`: wait for /ready (else /health: an upstream may never answer). */
async function startAgent(env: Record<string, string>, ready = true) {
  if (!existsSync(MAIN)) throw new Error('dist/apps/agent is missing: run "npx nx build agent"');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'agent',
    command: MAIN,
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', SCRAPE_CACHE_SECONDS: '0', ...env },
    readyUrl: `${url}/${ready ? 'ready' : 'health'}`,
  });
  return { proc, url };
}

describe('the agent on the simulated server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-agent-'));
  let sim: RunningSimulator;
  let agent: { proc: ManagedProcess; url: string };
  let env: Record<string, string>;

  beforeAll(async () => {
    // A manual clock: the simulated server stands still between the two scrapes compared.
    sim = await startSimulator({ root: ROOT, dataDir: join(dataDir, 'sim'), env: { SIM_CLOCK: 'manual' } });
    env = { ...simulatedEnv(sim.upstreams, join(dataDir, 'state')), HF_METADATA: 'false' };
    agent = await startAgent(env);
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists its exporters on /metrics and is ready once every one is', async () => {
    const index = await scrape(agent.url);
    expect(index.status).toBe(404);
    for (const t of TOPOLOGY) expect(JSON.stringify(index.json)).toContain(`/metrics/${t.definition.name}`);
    expect((await scrape(agent.url, { path: '/ready' })).status).toBe(200);
  });

  it.each(TOPOLOGY.map((t) => [t.definition.name, t] as const))(
    'serves at /metrics/%s the series of the standalone exporter',
    async (name, t) => {
      const standalone = await startDefinition(t.definition, env);
      try {
        // Ready: its background sources (GPUs, LiteLLM, Langfuse, Docker) have been read.
        for (let i = 0; i < 100 && (await scrape(standalone.url, { path: '/ready' })).status !== 200; i++)
          await new Promise((r) => setTimeout(r, 100));
        const alone = series(await scrape(standalone.url));
        const inAgent = series(await scrape(agent.url, { path: `/metrics/${name}` }));
        expect(alone.size).toBeGreaterThan(10);
        expect([...inAgent.keys()].sort()).toEqual([...alone.keys()].sort());
        const differing = [...alone].filter(([k, v]) => inAgent.get(k) !== v).map(([k]) => k);
        expect(differing).toEqual([]);
      } finally {
        await standalone.stop();
      }
    },
  );

  it.each(TOPOLOGY.map((t) => t.definition.name))(
    'serves /metrics/%s that promtool check metrics finds nothing to say about, for our names',
    async (name) => {
      const text = (await scrape(agent.url, { path: `/metrics/${name}` })).text;
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      // Its lint findings, one per line ("<name> <problem>"); names kept for compatibility
      // (node_*, container_*, vllm:*) are their owners' to fix.
      const findings = `${check.stdout}\n${check.stderr}`.split('\n').filter((l) => l.startsWith('llmmon_'));
      expect(findings).toEqual([]);
    },
  );
});

describe('an exporter whose upstream hangs, in the agent', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-agent-hang-'));
  let sim: RunningSimulator;
  let agent: { proc: ManagedProcess; url: string };
  let hung: Server;

  beforeAll(async () => {
    sim = await startSimulator({ root: ROOT, dataDir: join(dataDir, 'sim'), env: { SIM_CLOCK: 'manual' } });
    // A LiteLLM proxy that accepts every request and never answers.
    hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    agent = await startAgent(
      { ...simulatedEnv(sim.upstreams, join(dataDir, 'state')), HF_METADATA: 'false', LITELLM_URL: hungUrl },
      false,
    );
  });
  afterAll(async () => {
    await agent?.proc.stop();
    hung?.closeAllConnections();
    hung?.close();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every other path while /metrics/litellm waits for its timeout', async () => {
    let litellmDone = false;
    const litellm = scrape(agent.url, { path: '/metrics/litellm' }).finally(() => (litellmDone = true));
    for (const t of TOPOLOGY.filter((x) => x.definition.name !== 'litellm')) {
      const r = await scrape(agent.url, { path: `/metrics/${t.definition.name}` });
      expect(r.status).toBe(200);
      expect(r.families.size).toBeGreaterThan(5);
    }
    // Every other exporter answered while LiteLLM's scrape was still waiting.
    expect(litellmDone).toBe(false);
    const r = await litellm;
    expect(r.status).toBe(200);
    const up = r.families.get('llmmon_upstream_up')!.samples;
    expect(up.find((s) => s.labels['upstream'] === 'litellm_metrics')?.value).toBe(0);
  });
});
