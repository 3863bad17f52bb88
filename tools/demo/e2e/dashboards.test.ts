/**
 * The provisioned dashboards, checked as Grafana would load them and proven against live data:
 * the demo stack (simulator, every exporter, the real Prometheus) with 7 days of backfilled
 * history. Every panel query is sent as Grafana would send it (variables at their defaults,
 * $__rate_interval and friends computed) over the last hour and over 7 days, in every
 * scenario, and must answer with at least one series.
 */
import { parser } from '@grafana/lezer-logql';
import { waitForQuery } from '@llmmon/native-stack';
import { startDemo, type RunningDemo } from '../run-demo';
import {
  askPrometheus,
  chosenValue,
  defaultValues as defaults,
  interpolate,
  linkedUids,
  loadDashboards,
  MIG_ONLY,
  lokiQueries,
  panelRange,
  panelsOf,
  prometheusQueries,
  queryName as name,
  variableQuery,
  type Answer,
  type Dashboard,
  type PanelQuery as Query,
} from '../dashboards';

const DASHBOARDS = loadDashboards();
const byUid = new Map(DASHBOARDS.map((d) => [d.dashboard.uid, d]));

/** SPEC §6's eleven, the uids the test plans use, in the folders the provisioning maps. */
const EXPECTED: Record<string, string> = {
  'llmmon-server-health': 'system',
  'llmmon-gpu-usage': 'system',
  'llmmon-docker-containers': 'system',
  'llmmon-litellm-status': 'llm',
  'llmmon-vllm-status': 'llm',
  'llmmon-model-catalog': 'llm',
  'llmmon-cost-efficiency': 'llm',
  'llmmon-slos': 'llm',
  'llmmon-langfuse-analytics': 'analytics',
  'llmmon-performance-trends': 'analytics',
  'llmmon-log-explorer': 'logs',
  'llmmon-status': 'status',
  'llmmon-monitoring-health': 'self',
  'llmmon-home': 'status',
  'llmmon-fleet-overview': 'status',
};

const PROVISIONED = ['llmmon-prometheus', 'llmmon-loki', 'llmmon-alertmanager'];
const CORE_PANELS = [
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'heatmap',
  'logs',
  'alertlist',
  'annolist',
  'dashlist',
  'text',
  'row',
  'state-timeline',
  'status-history',
  'barchart',
  'piechart',
  'histogram',
];
const OUR_PLUGINS = ['llmmon-gpuheatmap-panel', 'llmmon-tokenrate-panel'];
/** Panels that show no numbers of their own, so a unit means nothing to them. */
const UNITLESS = ['row', 'logs', 'alertlist', 'annolist', 'dashlist', 'text'];

const promQueries = (d: Dashboard) => prometheusQueries([d]);
const ALL_PROM = prometheusQueries(DASHBOARDS.map((d) => d.dashboard));

describe('the dashboards as Grafana loads them', () => {
  it('are the eleven of SPEC §6 and the home dashboard, with their uids, each in its folder', () => {
    expect(Object.fromEntries(DASHBOARDS.map((d) => [d.dashboard.uid, d.file.split('/')[0]]))).toEqual(
      EXPECTED,
    );
    for (const { dashboard } of DASHBOARDS) expect(dashboard.title).toBeTruthy();
  });

  it('reference only provisioned datasources or the datasource variable', () => {
    const bad: string[] = [];
    for (const { dashboard: d } of DASHBOARDS) {
      const refs = [
        ...panelsOf(d).flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
        ...d.templating.list.map((v) => v.datasource),
        ...d.annotations.list.map((a) => a.datasource),
      ];
      for (const ref of refs) {
        if (!ref) continue;
        const ok =
          ref.uid === '${datasource}' ||
          PROVISIONED.includes(ref.uid ?? '') ||
          (ref.type === 'grafana' && ref.uid === '-- Grafana --');
        if (!ok) bad.push(`${d.uid}: ${JSON.stringify(ref)}`);
      }
      const variable = d.templating.list.find((v) => v.type === 'datasource');
      expect(variable?.current?.value).toBe('llmmon-prometheus');
    }
    expect(bad).toEqual([]);
  });

  it('use only core panels and our two plugins', () => {
    const types = new Set(DASHBOARDS.flatMap((d) => panelsOf(d.dashboard).map((p) => p.type)));
    expect([...types].filter((t) => !CORE_PANELS.includes(t) && !OUR_PLUGINS.includes(t))).toEqual([]);
  });

  it('give every panel that shows numbers a unit', () => {
    const missing = DASHBOARDS.flatMap((d) =>
      panelsOf(d.dashboard)
        .filter((p) => !UNITLESS.includes(p.type) && !p.fieldConfig?.defaults.unit)
        .map((p) => `${d.dashboard.uid} / ${p.title}`),
    );
    expect(missing).toEqual([]);
  });

  it('link only to dashboards that exist, and link GPU → container → model and back', () => {
    const links = Object.fromEntries(DASHBOARDS.map((d) => [d.dashboard.uid, linkedUids(d.dashboard)]));
    expect(
      Object.values(links)
        .flat()
        .filter((uid) => !byUid.has(uid)),
    ).toEqual([]);
    expect(links['llmmon-gpu-usage']).toContain('llmmon-docker-containers');
    expect(links['llmmon-docker-containers']).toEqual(
      expect.arrayContaining(['llmmon-vllm-status', 'llmmon-gpu-usage']),
    );
    expect(links['llmmon-vllm-status']).toEqual(
      expect.arrayContaining(['llmmon-gpu-usage', 'llmmon-docker-containers']),
    );
  });

  it('show the thresholds SPEC §6 names: GPU temperature 75/85 °C, GPU memory 80/95%', () => {
    const gpu = byUid.get('llmmon-gpu-usage')!.dashboard;
    const steps = (title: string) =>
      (
        panelsOf(gpu).find((p) => p.title === title)!.fieldConfig!.defaults as {
          thresholds: { steps: { value: number | null }[] };
        }
      ).thresholds.steps.map((s) => s.value);
    expect(steps('Temperature')).toEqual([null, 75, 85]);
    expect(steps('Memory used (share)')).toEqual([null, 0.8, 0.95]);
  });

  const logql = lokiQueries(DASHBOARDS.map((d) => d.dashboard));
  it('have Loki panels (the log explorer)', () => expect(logql.length).toBeGreaterThanOrEqual(3));
  it.each(logql.map((q) => [name(q), q] as const))("%s parses with Grafana's LogQL grammar", (_n, q) => {
    const query = interpolate(q.target.expr, defaults(q.dashboard), { range: 3600, scrapeInterval: 30 });
    const errors: string[] = [];
    parser
      .parse(query)
      .iterate({ enter: (n) => void (n.type.isError && errors.push(query.slice(n.from, n.from + 20))) });
    expect(errors).toEqual([]);
  });
});

// ------------------------------------------------------------------ live

/** The demo scrapes every second; Grafana's datasource would be told so (its timeInterval). */
const SCRAPE_SECONDS = 1;
const HOUR = 3600;
const WEEK = 7 * 86_400;

describe('the dashboards against the demo stack', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo(
      {
        DEMO_BACKFILL_DAYS: '7',
        DEMO_BACKFILL_STEP_SECONDS: '1800',
        // Langfuse read every 10 s (not 60), so its panels fill soon after the backfill.
        LANGFUSE_POLL_SECONDS: '10',
        LANGFUSE_TIMEOUT_SECONDS: '5',
        LANGFUSE_INGESTION_DELAY_SECONDS: '5',
      },
      600_000,
    );
    // Some live data, so rates and recording rules have something to say; and Langfuse read
    // since the simulated clock caught up (the backfill ran it through the past).
    await new Promise((r) => setTimeout(r, 20_000));
    await waitForQuery(
      demo.prometheus,
      'llmmon_langfuse_model_traces{window="today"}',
      (r) => r.length > 0,
      60_000,
    );
    await waitForQuery(demo.prometheus, 'llmmon_langfuse_scores_total', (r) => r.length > 0, 60_000);
  }, 760_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
  });

  const ask = (q: Query, values: Record<string, string>, range: number, end?: number): Promise<Answer> =>
    askPrometheus(
      demo.prometheus,
      q.target,
      values,
      { range: panelRange(q.panel, range), scrapeInterval: SCRAPE_SECONDS },
      end,
    );

  /**
   * Every Prometheus panel query at the defaults over `range`; returns what failed or came back
   * empty. This host has no MIG: queries of MIG devices answer, empty (the MIG demo below fills them).
   */
  async function emptyOrFailing(
    range: number,
    end?: number,
    timings?: [string, number, number][],
  ): Promise<string[]> {
    const problems: string[] = [];
    for (const q of ALL_PROM) {
      const a = await ask(q, defaults(q.dashboard), range, end);
      if (a.error) problems.push(`${name(q)}: ${a.error}`);
      else if (a.series === 0 && !MIG_ONLY.test(q.target.expr))
        problems.push(`${name(q)}: no series (${q.target.expr})`);
      timings?.push([name(q), a.seconds, a.peakSamples]);
    }
    return problems;
  }

  it('has 7 days of history to query', async () => {
    // One backfilled scrape every 30 minutes for the whole week (the live scrapes add more).
    const a = await ask(instantQuery('count_over_time(up{job="gpu"}[7d])'), {}, WEEK);
    expect([...a.values.values()][0]).toBeGreaterThanOrEqual(WEEK / 1800 - 2);
  });

  it('answers every panel query with data over the last hour', async () => {
    expect(ALL_PROM.length).toBeGreaterThan(100);
    expect(await emptyOrFailing(HOUR)).toEqual([]);
  });

  it('answers every panel query with data over 7 days, cheaply', async () => {
    const timings: [string, number, number][] = [];
    expect(await emptyOrFailing(WEEK, undefined, timings)).toEqual([]);
    timings.sort((a, b) => b[1] - a[1]);
    console.log(
      `slowest panel queries over 7 days (default step):\n${timings
        .slice(0, 5)
        .map(([n, s, samples]) => `  ${(s * 1000).toFixed(0)} ms  ${samples} samples  ${n}`)
        .join('\n')}`,
    );
    // Cost in samples, not wall-clock time (that is the bench's): far under Prometheus's
    // default query.max-samples of 50 000 000.
    expect(Math.max(...timings.map((t) => t[2]))).toBeLessThan(5_000_000);
  });

  it("lists every simulated model in every dashboard's model variable", async () => {
    const upstreams = (await (await fetch(`${demo.simulator}/api/v1/upstreams`)).json()) as {
      vllm: { model: string }[];
    };
    const simulated = upstreams.vllm.map((v) => v.model).sort();
    // LiteLLM's model groups name the served model in llmmon_litellm_model_info's `model` label.
    const served = new Map(
      (await ask(instantQuery('llmmon_litellm_model_info'), {}, HOUR)).labels.map((l) => [
        l['model_group']!,
        l['model']!.replace(/^hosted_vllm\//, ''),
      ]),
    );
    const withModel = DASHBOARDS.filter((d) => d.dashboard.templating.list.some((v) => v.name === 'model'));
    expect(withModel.length).toBeGreaterThanOrEqual(5);
    for (const { dashboard } of withModel) {
      const listed = await variableValues(dashboard, 'model');
      const models = listed.map((m) => served.get(m) ?? m).filter((m) => m !== 'other' && m !== 'unknown');
      expect({ uid: dashboard.uid, models: [...new Set(models)].sort() }).toEqual({
        uid: dashboard.uid,
        models: simulated,
      });
    }
  });

  it('lists values for every query variable', async () => {
    for (const { dashboard } of DASHBOARDS)
      for (const v of dashboard.templating.list.filter((x) => x.type === 'query'))
        expect({
          variable: `${dashboard.uid} $${v.name}`,
          some: (await variableValues(dashboard, v.name)).length > 0,
        }).toEqual({
          variable: `${dashboard.uid} $${v.name}`,
          some: true,
        });
  });

  // Before the scenario changes below, which leave a model recovering for a while.
  it('answers every vLLM panel query for a model of each vLLM release line, its own families included', async () => {
    const upstreams = (await (await fetch(`${demo.simulator}/api/v1/upstreams`)).json()) as {
      vllm: { model: string; version: string }[];
    };
    const minor = (v: string) => Number(v.replace(/^v/, '').split('.')[1]);
    // One chat model per line (an embedding model has no output tokens to measure).
    const lines = new Map<number, string>();
    for (const v of upstreams.vllm)
      if (!/embed|e5-|minilm|reranker/i.test(v.model) && !lines.has(minor(v.version)))
        lines.set(minor(v.version), v.model);
    expect([...lines.keys()].sort((a, b) => a - b)).toEqual([6, 10, 13, 20]);
    /** Families only some lines have, and from which minor version (spec decoding: where configured). */
    const since: [RegExp, (m: number, model: string) => boolean][] = [
      [/prefix_cache_/, (m) => m >= 10],
      [/engine_sleep_state/, (m) => m >= 12],
      [/prompt_tokens_by_source/, (m) => m >= 16],
      [/spec_decode_/, (_m, model) => model === 'meta-llama/Llama-3.1-70B-Instruct'],
    ];
    // Ten times the traffic for a few scrapes: at night a quiet model may have produced no token
    // since the demo started, and its 7-day peak (the capacity panel) would be 0.
    expect(
      (await demo.control('/api/v1/scenario', { scenario: 'normal', settings: { request_multiplier: 10 } }))
        .status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 15_000));
    const problems: string[] = [];
    for (const [m, model] of lines) {
      for (const d of DASHBOARDS.map((x) => x.dashboard)) {
        const variable = d.templating.list.find((v) => v.name === 'model');
        if (!variable || !variableQuery(variable).includes('llmmon_vllm_model_info')) continue;
        for (const q of promQueries(d).filter((x) => /llmmon_vllm_/.test(x.target.expr))) {
          const only = since.find(([re]) => re.test(q.target.expr));
          if (only && !only[1](m, model)) continue;
          const a = await ask(q, { ...defaults(d), model: chosenValue(model) }, HOUR);
          if (a.error || a.series === 0)
            problems.push(`v0.${m} ${model}: ${name(q)}: ${a.error ?? 'no series'}`);
        }
      }
    }
    expect((await demo.control('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('narrows every panel that filters by model when one model is chosen', async () => {
    // Two models' errors first (their SLO budgets spent, the others' whole: at night a quiet
    // demo may have had no error at all, and every model's budget left would read the same).
    const burst = { scenario: 'degraded', settings: { request_multiplier: 20, error_rate: 0.5 } };
    expect((await demo.control('/api/v1/scenario', burst)).status).toBe(200);
    await waitForQuery(
      demo.prometheus,
      'model_slo:llmmon_slo_error_budget_remaining:ratio < 1',
      (r) => r.length > 0,
      120_000,
    );
    // Then a model failing to load, so even the "failing" counts differ between models.
    expect((await demo.control('/api/v1/scenario', { scenario: 'model_load_failure' })).status).toBe(200);
    await waitForQuery(
      demo.prometheus,
      'llmmon_litellm_deployment_healthy == 0',
      (r) => r.length > 0,
      150_000,
    );
    const unchanged: string[] = [];
    let checked = 0;
    for (const { dashboard } of DASHBOARDS) {
      if (!dashboard.templating.list.some((v) => v.name === 'model')) continue;
      const models = await variableValues(dashboard, 'model');
      // LiteLLM's model groups, or the models vLLM and Langfuse name: the label the variable lists.
      const modelVariable = dashboard.templating.list.find((v) => v.name === 'model')!;
      const modelLabel = /label_values\([^,]+,\s*(\w+)\)/.exec(variableQuery(modelVariable))![1]!;
      for (const q of promQueries(dashboard).filter((x) => x.target.expr.includes('$model'))) {
        const instant = { ...q, target: { ...q.target, instant: true } };
        const all = await ask(instant, defaults(dashboard), HOUR);
        let narrowed = false;
        for (const model of models) {
          const one = await ask(instant, { ...defaults(dashboard), model: chosenValue(model) }, HOUR);
          // Never a series of another model.
          for (const l of one.labels)
            if (modelLabel in l) expect(`${name(q)}: ${l[modelLabel]}`).toBe(`${name(q)}: ${model}`);
          expect({ query: name(q), model, more: one.series > all.series }).toEqual({
            query: name(q),
            model,
            more: false,
          });
          const sameValues = [...one.values].every(
            ([k, v]) => all.values.get(k) === v || (Number.isNaN(v) && Number.isNaN(all.values.get(k)!)),
          );
          if (one.series < all.series || !sameValues) narrowed = true;
        }
        checked++;
        if (!narrowed) unchanged.push(name(q));
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(unchanged).toEqual([]);
    expect((await demo.control('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
  }, 240_000);

  const SCENARIOS = [
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
    'normal',
  ];
  it.each(SCENARIOS)(
    'keeps every panel filled in scenario %s',
    async (scenario) => {
      expect((await demo.control('/api/v1/scenario', { scenario })).status).toBe(200);
      // A few scrapes in the new scenario; then only those scrapes are asked about, so a
      // series the scenario removed (stale in Prometheus) cannot hide behind older data.
      await new Promise((r) => setTimeout(r, 10_000));
      expect(await emptyOrFailing(8)).toEqual([]);
    },
    120_000,
  );

  function instantQuery(expr: string): Query {
    return {
      dashboard: DASHBOARDS[0]!.dashboard,
      panel: { id: 0, type: 'table', title: expr },
      target: { refId: 'A', expr, instant: true },
    };
  }

  /** A query variable's values, as Grafana's `label_values(selector, label)` finds them. */
  async function variableValues(d: Dashboard, variable: string): Promise<string[]> {
    const v = d.templating.list.find((x) => x.name === variable)!;
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(variableQuery(v));
    if (!m) throw new Error(`${d.uid} $${variable}: not a label_values query: ${variableQuery(v)}`);
    const selector = interpolate(m[1]!, defaults(d), { range: HOUR, scrapeInterval: SCRAPE_SECONDS });
    const end = Math.floor(Date.now() / 1000);
    const params = new URLSearchParams({ 'match[]': selector, start: String(end - HOUR), end: String(end) });
    const body = (await (await fetch(`${demo.prometheus}/api/v1/label/${m[2]}/values?${params}`)).json()) as {
      data: string[];
    };
    return body.data;
  }
});

describe('the GPU panels on a host with a MIG-enabled GPU (SIM_LAYOUT=mig, NVML)', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo({ SIM_LAYOUT: 'mig', DEMO_BACKFILL_DAYS: '0' }, 300_000);
    await waitForQuery(demo.prometheus, 'llmmon_gpu_mig_device_info', (r) => r.length === 7, 120_000);
    await waitForQuery(
      demo.prometheus,
      'llmmon_gpu_container_memory_used_bytes{mig_instance!=""}',
      (r) => r.length === 3,
      120_000,
    );
    // A few scrapes, so rates have two samples.
    await new Promise((r) => setTimeout(r, 8_000));
  }, 480_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
  });

  const GPU_QUERIES = ALL_PROM.filter((q) => /llmmon_gpu_|instance_gpu:/.test(q.target.expr));

  it("answers every GPU panel query with data, the MIG devices' included", async () => {
    expect(GPU_QUERIES.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const q of GPU_QUERIES) {
      const a = await askPrometheus(demo.prometheus, q.target, defaults(q.dashboard), {
        range: 60,
        scrapeInterval: SCRAPE_SECONDS,
      });
      if (a.error) problems.push(`${name(q)}: ${a.error}`);
      else if (a.series === 0) problems.push(`${name(q)}: no series (${q.target.expr})`);
    }
    expect(problems).toEqual([]);
  });

  it("names each small model's container on its MIG device in the MIG devices table", async () => {
    const table = GPU_QUERIES.find(
      (q) => q.panel.title === 'MIG devices' && q.target.expr.includes('container'),
    )!;
    const a = await askPrometheus(
      demo.prometheus,
      { ...table.target, instant: true },
      defaults(table.dashboard),
      {
        range: 60,
        scrapeInterval: SCRAPE_SECONDS,
      },
    );
    expect(a.labels.map((l) => `${l['container']} ${l['gpu']} ${l['mig_instance']}`).sort()).toEqual([
      'vllm-embed 7 7/0',
      'vllm-minilm 7 9/0',
      'vllm-reranker 7 8/0',
    ]);
  });
});
