/**
 * Alerts end to end: the demo stack (simulator, every exporter, Prometheus with our rules)
 * running 60x faster than real time: the simulator's clock accelerated 60x, and every
 * duration in the rules (`for:`, range selectors, group intervals) divided by 60. Each
 * scenario must raise its alert in Prometheus with the right labels; the GPU alert resolves
 * when the scenario ends.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForQuery } from '@llmmon/native-stack';
import { plans } from '../plans';
import { ROOT, startDemo, type RunningDemo } from '../run-demo';

const SPEED = 60;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * The rules of a world running `speed` times faster: `for: 2m` → `for: 2s`, `[15m]` →
 * `[15s]`, `interval: 5m` → `interval: 5s`, and thresholds per second (`…_per_second`)
 * multiplied, since every rate is `speed` times higher.
 */
export function compressRules(rules: string, speed: number): string {
  const scale = (n: string, unit: string) =>
    `${Math.max(1, Math.round((Number(n) * UNIT_SECONDS[unit]!) / speed))}s`;
  return (
    rules
      .replace(/\[(\d+)([smhd])\]/g, (_, n: string, u: string) => `[${scale(n, u)}]`)
      .replace(
        /^(\s+(?:for|interval|group_wait|group_interval|repeat_interval|resolve_timeout): )(\d+)([smhd])$/gm,
        (_, head: string, n: string, u: string) => head + scale(n, u),
      )
      .replace(
        /(record: \S+_per_second\n\s+expr: vector\()([\d.]+)\)/g,
        (_, head: string, n: string) => `${head}${Number(n) * speed})`,
      )
      // predict_linear's horizon is a duration in seconds too.
      .replace(
        /(predict_linear\([^,]+,\s*)(\d+)\)/g,
        (_, head: string, n: string) => `${head}${Math.max(1, Math.round(Number(n) / speed))})`,
      )
  );
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function alerts(demo: RunningDemo): Promise<Alert[]> {
  const res = await fetch(`${demo.prometheus}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
  return ((await res.json()) as { data: { alerts: Alert[] } }).data.alerts;
}

/** Polls Prometheus's alerts until `check` holds; fails naming `what` and what was there. */
async function until(demo: RunningDemo, what: string, check: (a: Alert[]) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Alert[] = [];
  while (Date.now() < deadline) {
    last = await alerts(demo);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `timed out waiting for ${what}; alerts: ${JSON.stringify(last.map((a) => [a.labels['alertname'], a.state, a.labels]))}`,
  );
}

const firing = (name: string, labels: Record<string, string>) => (list: Alert[]) =>
  list.some(
    (a) =>
      a.state === 'firing' &&
      a.labels['alertname'] === name &&
      Object.entries(labels).every(([k, v]) => a.labels[k] === v),
  );

it('compresses every duration of the rules, and scales their per-second thresholds', () => {
  expect(compressRules('    for: 2m\n  expr: rate(x[5m]) and increase(y[1d])\n    interval: 5m', 60)).toBe(
    '    for: 2s\n  expr: rate(x[5s]) and increase(y[1440s])\n    interval: 5s',
  );
  expect(compressRules('- record: a:threshold:x_per_second\n  expr: vector(0.1)', 60)).toBe(
    '- record: a:threshold:x_per_second\n  expr: vector(6)',
  );
  expect(compressRules('predict_linear(kv[30m], 1800) >= 1', 60)).toBe('predict_linear(kv[30s], 30) >= 1');
});

/** One webhook notification from Alertmanager (its JSON payload, version 4). */
interface Notification {
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** A webhook receiver on loopback that records what Alertmanager posts. */
async function startWebhook() {
  const received: Notification[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Notification);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

describe('the demo stack, 60x faster', () => {
  const rulesDir = mkdtempSync(join(tmpdir(), 'llmmon-rules-'));
  let demo: RunningDemo;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;

  beforeAll(async () => {
    const source = join(ROOT, 'infra/prometheus/rules');
    mkdirSync(rulesDir, { recursive: true });
    for (const f of readdirSync(source))
      writeFileSync(join(rulesDir, f), compressRules(readFileSync(join(source, f), 'utf8'), SPEED));
    const alertmanagerConfig = join(rulesDir, 'alertmanager.yml.template');
    const template = readFileSync(join(ROOT, 'infra/alertmanager/alertmanager.yml'), 'utf8');
    writeFileSync(alertmanagerConfig, compressRules(template, SPEED));
    webhook = await startWebhook();
    // Every target up within 2 minutes (the helper fails otherwise).
    demo = await startDemo(
      {
        PROMETHEUS_RULES_DIR: rulesDir,
        ALERTMANAGER_CONFIG: alertmanagerConfig,
        ALERT_WEBHOOK_URL: webhook.url,
        DEMO_HOST_NAME: 'alerts-e2e-host',
      },
      120_000,
    );
    const clock = await demo.control('/api/v1/clock', { mode: 'accelerated', speed: SPEED });
    expect(clock.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
    webhook?.server.close();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('loads our rules and nothing fires on the normal scenario', async () => {
    const res = await fetch(`${demo.prometheus}/api/v1/rules?type=alert`);
    const groups = ((await res.json()) as { data: { groups: { rules: { name: string }[] }[] } }).data.groups;
    expect(groups.flatMap((g) => g.rules.map((r) => r.name))).toContain('GpuTemperatureCritical');
    // A healthy server raises nothing, no warning that is always on either, once the first
    // evaluations after start-up (targets not scraped yet: absent) have passed.
    await until(demo, 'no active alert on the normal scenario', (l) => l.length === 0, 30_000);
  });

  it('normal: every model has its three SLIs, and no SLO alert is even pending over half an hour', async () => {
    const upstreams = (await (await fetch(`${demo.simulator}/api/v1/upstreams`)).json()) as {
      vllm: { model: string }[];
    };
    const pairs = upstreams.vllm.flatMap((v) =>
      ['availability', 'time_to_first_token', 'e2e_latency'].map((slo) => `${v.model} ${slo}`),
    );
    // 30 s at 60x: half of the fast burn's hour, six of its 5-minute windows.
    await new Promise((r) => setTimeout(r, 30_000));
    const burn = await waitForQuery(
      demo.prometheus,
      'model_slo:llmmon_slo_burn_rate:ratio_rate1h',
      (r) => r.length >= pairs.length,
    );
    expect(burn.map((s) => `${s.metric['model']} ${s.metric['slo']}`).sort()).toEqual(pairs.sort());
    expect((await alerts(demo)).filter((a) => a.labels['alertname']!.startsWith('ModelSLO'))).toEqual([]);
  });

  // First after normal: a trend needs its 30-minute window free of an earlier scenario's step down.
  it('load_ramp: ModelSaturationPredicted warns before the KV caches are full', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'load_ramp' })).status).toBe(200);
    await until(
      demo,
      'ModelSaturationPredicted firing',
      firing('ModelSaturationPredicted', { severity: 'warning', job: 'vllm' }),
      90_000,
    );
  });

  it('degraded on a busy server: the error-rate alert and the SLO fast-burn page fire for the degraded models only', async () => {
    // Ten times the normal traffic: enough requests a minute for an error ratio to mean something.
    const degraded = { scenario: 'degraded', settings: { request_multiplier: 10 } };
    expect((await demo.control('/api/v1/scenario', degraded)).status).toBe(200);
    await until(
      demo,
      'ModelErrorRateHigh firing',
      firing('ModelErrorRateHigh', { severity: 'critical', job: 'litellm' }),
    );
    // ~12% failing burns their 99.5% availability 24x, over the hour and the last 5 minutes.
    const models = ['meta-llama/Llama-3.1-70B-Instruct', 'Qwen/Qwen2.5-72B-Instruct'];
    const list = await until(demo, 'ModelSLOFastBurn firing for both degraded models', (l) =>
      models.every((model) =>
        firing('ModelSLOFastBurn', { severity: 'critical', model, slo: 'availability' })(l),
      ),
    );
    // No other model, not even pending (their errors stay at ~0.1%, a 0.2x burn).
    const burning = list.filter((a) => a.labels['alertname'] === 'ModelSLOFastBurn');
    expect(new Set(burning.map((a) => a.labels['model']))).toEqual(new Set(models));
    expect(new Set(burning.map((a) => a.labels['slo']))).toEqual(new Set(['availability']));
  });

  it('gpu_overheat: GPU 3 fires the critical temperature alert; Alertmanager sends one grouped notification, the warning inhibited; it resolves', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'gpu_overheat' })).status).toBe(200);
    const list = await until(
      demo,
      'GpuTemperatureCritical firing on GPU 3',
      firing('GpuTemperatureCritical', { severity: 'critical', gpu: '3', job: 'gpu' }),
    );
    // Only the overheating GPU.
    expect(
      new Set(
        list.filter((a) => a.labels['alertname'] === 'GpuTemperatureCritical').map((a) => a.labels['gpu']),
      ),
    ).toEqual(new Set(['3']));
    const critical = (n: Notification) => n.groupLabels['alertname'] === 'GpuTemperatureCritical';
    await waitFor('the critical notification', () =>
      webhook.received.some((n) => critical(n) && n.status === 'firing'),
    );
    // The warning about the same GPU (75 °C < 88 °C) fires in Prometheus too, but Alertmanager holds it back.
    await until(demo, 'GpuTemperatureHigh firing', firing('GpuTemperatureHigh', { gpu: '3' }));
    const am = await (await fetch(`http://127.0.0.1:${demo.ports.alertmanager}/api/v2/alerts`)).json();
    const warning = (am as { labels: Record<string, string>; status: { inhibitedBy: string[] } }[]).find(
      (a) => a.labels['alertname'] === 'GpuTemperatureHigh' && a.labels['gpu'] === '3',
    );
    expect(warning?.status.inhibitedBy.length).toBeGreaterThan(0);

    expect((await demo.control('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
    await until(
      demo,
      'GpuTemperatureCritical resolved',
      (l) => !l.some((a) => a.labels['alertname'] === 'GpuTemperatureCritical'),
    );
    await waitFor('the resolved notification', () =>
      webhook.received.some((n) => critical(n) && n.status === 'resolved'),
    );

    const sent = webhook.received.filter(critical);
    const firingSent = sent.filter((n) => n.status === 'firing');
    expect(firingSent).toHaveLength(1); // one grouped notification, not one per evaluation
    // The host named in its labels (Prometheus's external label) and in its summary.
    expect(
      firingSent[0]!.alerts.map((a) => [a.labels['gpu'], a.labels['severity'], a.labels['host']]),
    ).toEqual([['3', 'critical', 'alerts-e2e-host']]);
    expect(firingSent[0]!.alerts[0]!.annotations['runbook_url']).toBe(
      'docs/runbooks.md#gputemperaturecritical',
    );
    expect(firingSent[0]!.alerts[0]!.annotations['summary']).toMatch(
      /^GPU 3 on alerts-e2e-host is at \d+(\.\d+)? °C$/,
    );
    expect(sent.filter((n) => n.status === 'resolved')).toHaveLength(1);
    // Held back for as long as the critical fired. (Once it resolves, a GPU still cooling
    // through 75-85 °C rightly gets its warning: that may arrive now, so it is not counted.)
    const criticalResolved = webhook.received.findIndex((n) => critical(n) && n.status === 'resolved');
    expect(
      webhook.received
        .slice(0, criticalResolved)
        .some((n) => n.groupLabels['alertname'] === 'GpuTemperatureHigh'),
    ).toBe(false);
  });

  it('container_restart_loop: the restart-loop alert names the container', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'container_restart_loop' })).status).toBe(200);
    await until(
      demo,
      'ContainerRestartLoop firing for vllm-llama8b',
      firing('ContainerRestartLoop', { severity: 'critical', name: 'vllm-llama8b', job: 'container' }),
    );
  });

  it('gpu_failure: GpuUnhealthy pages for GPU 5 with its state, and for no other GPU', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'gpu_failure' })).status).toBe(200);
    const list = await until(
      demo,
      'GpuUnhealthy firing on GPU 5',
      firing('GpuUnhealthy', { severity: 'critical', gpu: '5', state: 'reset_required', job: 'gpu' }),
    );
    expect(list.filter((a) => a.labels['alertname'] === 'GpuUnhealthy').map((a) => a.labels['gpu'])).toEqual([
      '5',
    ]);
  });

  const SATURATION = ['ModelNotServing', 'ModelSaturationPredicted', 'ModelPreemptionsSustained'];

  it('high_load held steady: no saturation alert, the load step included', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'high_load' })).status).toBe(200);
    // 35 simulated minutes: past the step, every window (30m at most) holds only the steady load.
    const deadline = Date.now() + 35_000;
    while (Date.now() < deadline) {
      const fired = (await alerts(demo)).filter(
        (a) => a.state === 'firing' && SATURATION.includes(a.labels['alertname']!),
      );
      expect(fired.map((a) => [a.labels['alertname'], a.labels['container']])).toEqual([]);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 60_000);

  it('engine_stall: ModelNotServing pages for the stuck engine only, its API still up', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'engine_stall' })).status).toBe(200);
    const list = await until(
      demo,
      'ModelNotServing firing for vllm-llama8b',
      firing('ModelNotServing', { severity: 'critical', container: 'vllm-llama8b', job: 'vllm' }),
    );
    expect(
      list.filter((a) => a.labels['alertname'] === 'ModelNotServing').map((a) => a.labels['container']),
    ).toEqual(['vllm-llama8b']);
    // Not a target or health alert: the engine's API answers.
    expect(list.some((a) => ['TargetDown', 'ModelLoadingFailed'].includes(a.labels['alertname']!))).toBe(
      false,
    );
  });

  // The scenario → alert part of every test plan (tests/e2e/plans) that names alerts.
  it.each(plans().filter(([, p]) => p.alerts.length > 0))('plan %s: its alerts fire', async (_file, plan) => {
    const body = plan.settings
      ? { scenario: plan.scenario, settings: plan.settings }
      : { scenario: plan.scenario };
    expect((await demo.control('/api/v1/scenario', body)).status).toBe(200);
    for (const a of plan.alerts) await until(demo, `${a.alertname} firing`, firing(a.alertname, a.labels));
  });
});
