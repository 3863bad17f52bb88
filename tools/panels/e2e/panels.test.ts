/**
 * The built panel plugins in a real browser (Debian's Chromium, driven by playwright-core),
 * loaded the way Grafana loads them: each plugin's dist/module.js is an AMD module that a
 * harness page hands the real react and @grafana packages (tools/panels/harness), and
 * `plugin.panel` is rendered with PanelProps whose data are query results from the demo
 * stack's Prometheus, turned into frames as Grafana's Prometheus datasource does. Light and
 * dark themes; no console errors; screenshots (`npm run screenshots` writes docs/images/).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startDemo, type RunningDemo } from '../../demo/run-demo';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SHOTS = process.env['SCREENSHOTS_DIR'] ?? mkdtempSync(join(tmpdir(), 'llmmon-shots-'));

interface Frame {
  refId: string;
  name: string;
  times: number[];
  values: number[];
  labels: Record<string, string>;
}

let demo: RunningDemo;
let server: Server;
let base: string;
let browser: Browser;
let work: string;

/** One frame per series of a range query, as Grafana's Prometheus datasource builds them. */
async function frames(refId: string, expr: string, seconds = 120, step = 2): Promise<Frame[]> {
  const end = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({
    query: expr,
    start: String(end - seconds),
    end: String(end),
    step: String(step),
  });
  const body = (await (await fetch(`${demo.prometheus}/api/v1/query_range?${params}`)).json()) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  return body.data.result.map((r) => ({
    refId,
    name: JSON.stringify(r.metric),
    times: r.values.map(([t]) => t * 1000),
    values: r.values.map(([, v]) => Number(v)),
    labels: r.metric,
  }));
}

/** A page with the harness and one plugin's module.js; collects every console error. */
async function openPlugin(dir: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 560 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/${dir}/index.html`);
  await page
    .waitForFunction(
      () => (globalThis as unknown as { __pluginExports?: unknown }).__pluginExports !== undefined,
      null,
      {
        timeout: 15_000,
      },
    )
    .catch(() => {
      throw new Error(`${dir}/module.js did not load: ${errors.join('; ') || 'no error reported'}`);
    });
  return { page, errors };
}

/** 1.5 times the newest total of every series, rounded up to a hundred tokens per second. */
function capacityAbove(data: Frame[]): number {
  const total = data.reduce((a, f) => a + (f.values.filter(Number.isFinite).at(-1) ?? 0), 0);
  return Math.max(100, Math.ceil((total * 1.5) / 100) * 100);
}

/** The GPU heatmap coloured by utilization, as the GPU usage dashboard sizes it. */
function renderHeatmap(page: Page, frames: Frame[], mode: 'grid' | 'history', theme: string): Promise<void> {
  return render(page, { frames, options: { metric: 'utilization', mode }, theme, width: 1040, height: 300 });
}

async function render(page: Page, props: Record<string, unknown>): Promise<void> {
  await page.evaluate(
    (p) => (globalThis as unknown as { renderPanel(x: unknown): void }).renderPanel(p),
    props,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'llmmon-harness-'));
  await build({
    entryPoints: [join(__dirname, '../harness/entry.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    outfile: join(work, 'harness.js'),
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: {
      '.css': 'empty',
      '.svg': 'dataurl',
      '.png': 'dataurl',
      '.woff': 'empty',
      '.woff2': 'empty',
      '.ttf': 'empty',
    },
    minify: true,
    logLevel: 'error',
  });
  const files: Record<string, string> = {
    '/harness.js': join(work, 'harness.js'),
    '/gpu-heatmap-panel/index.html': join(__dirname, '../harness/index.html'),
    '/gpu-heatmap-panel/module.js': join(ROOT, 'plugins/gpu-heatmap-panel/dist/module.js'),
    '/token-rate-panel/index.html': join(__dirname, '../harness/index.html'),
    '/token-rate-panel/module.js': join(ROOT, 'plugins/token-rate-panel/dist/module.js'),
  };
  server = createServer((req, res) => {
    // The page asks for /harness.js and /module.js relative to its plugin's folder.
    const path = (req.url ?? '/').replace(/^\/[\w-]+\/harness\.js$/, '/harness.js');
    const file = files[path];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': path.endsWith('.html') ? 'text/html' : 'text/javascript' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(SHOTS, { recursive: true });
  // A day of history (every 10 minutes) for the history view, then live scrapes.
  demo = await startDemo({ DEMO_BACKFILL_DAYS: '1', DEMO_BACKFILL_STEP_SECONDS: '600' }, 300_000);
  // A busy server (every model serving), and some seconds of scrapes so rates have samples.
  expect((await demo.control('/api/v1/scenario', { scenario: 'high_load' })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 20_000));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  demo?.child.kill('SIGINT');
  await demo?.exited;
  demo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('GPU heatmap', () => {
  const queries: Array<[string, string]> = [
    ['A', 'llmmon_gpu_utilization_ratio'],
    ['B', 'instance_gpu:llmmon_gpu_memory_used:ratio'],
    ['C', 'llmmon_gpu_temperature_celsius'],
    ['D', 'llmmon_gpu_power_watts'],
    ['E', 'llmmon_gpu_memory_used_bytes'],
    ['F', 'llmmon_gpu_memory_total_bytes'],
    ['G', 'llmmon_gpu_container_memory_used_bytes'],
    ['H', 'llmmon_gpu_health == 1'],
    ['I', 'llmmon_gpu_mig_mode'],
  ];

  it.each(['dark', 'light'])(
    'shows the 8 GPUs with their utilization, in the %s theme, without console errors',
    async (theme) => {
      const data = (await Promise.all(queries.map(([refId, expr]) => frames(refId, expr)))).flat();
      const { page, errors } = await openPlugin('gpu-heatmap-panel');
      await renderHeatmap(page, data, 'grid', theme);
      const cells = page.locator('[data-testid^="gpu-cell-"]');
      await cells.first().waitFor();
      expect(await cells.count()).toBe(8);
      // Each cell shows the newest utilization the real Prometheus returned for its GPU.
      for (const frame of data.filter((f) => f.refId === 'A')) {
        const gpu = frame.labels['gpu']!;
        const newest = frame.values.filter(Number.isFinite).at(-1)!;
        const cell = page.getByTestId(`gpu-cell-${gpu}`);
        expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(newest, 10);
        expect(await cell.textContent()).toContain(`${Math.round(newest * 100)}%`);
        // Named with its host, as the demo's Prometheus labels every series.
        expect(await cell.getAttribute('aria-label')).toMatch(
          new RegExp(`^GPU ${gpu} on ${frame.labels['host']}: utilization \\d+%, memory .* of .*`),
        );
      }
      // Containers from the GPU exporter's per-container memory.
      expect(await page.getByTestId('gpu-cell-0').textContent()).toContain('vllm-llama70b');
      await page.getByTestId('gpu-cell-3').hover();
      await expect(page.getByRole('tooltip').textContent()).resolves.toMatch(
        /GPU 3.*utilization: \d+%.*temperature: [\d.]+ °C/,
      );
      await page.locator('#panel').screenshot({ path: join(SHOTS, `gpu-heatmap-${theme}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );

  it('draws a day of GPUs × time in history mode on a continuous scale, with a time axis', async () => {
    // As Grafana asks for a day in a 1040-pixel panel: a point every 10 minutes.
    const day = (refId: string, expr: string) => frames(refId, expr, 86_400, 600);
    const data = [
      ...(await day('A', 'llmmon_gpu_utilization_ratio')),
      ...(await day('H', 'llmmon_gpu_health == 1')),
    ];
    const { page, errors } = await openPlugin('gpu-heatmap-panel');
    await renderHeatmap(page, data, 'history', 'dark');
    await page.getByTestId('gpu-history').waitFor();
    expect(await page.locator('[data-testid^="gpu-row-"]').count()).toBe(8);
    // The day's utilization in shades, not in one or three threshold colours.
    const fills = await page
      .locator('[data-testid^="gpu-row-"] rect')
      .evaluateAll((rects) => rects.map((r) => r.getAttribute('fill')));
    expect(fills.length).toBeGreaterThan(8 * 100);
    expect(new Set(fills).size).toBeGreaterThan(20);
    expect(await page.getByTestId('gpu-history-axis').textContent()).toMatch(/(\d\d-\d\d \d\d:\d\d.*){3}/);
    await page.locator('#panel').screenshot({ path: join(SHOTS, 'gpu-heatmap-history-dark.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('token rate', () => {
  it.each(['dark', 'light'])(
    "shows each model's input and output tokens per second in the %s theme, without console errors",
    async (theme) => {
      const data = [
        ...(await frames('A', 'sum by (model_group) (rate(llmmon_litellm_input_tokens_total[1m]))')),
        ...(await frames('B', 'sum by (model_group) (rate(llmmon_litellm_output_tokens_total[1m]))')),
      ];
      const models = [...new Set(data.map((f) => f.labels['model_group']!))].sort();
      // The models that served requests in the last two minutes (a quiet one may not have yet).
      expect(models.length).toBeGreaterThanOrEqual(2);
      const { page, errors } = await openPlugin('token-rate-panel');
      await render(page, {
        frames: data,
        options: {
          layout: 'stacked',
          // A capacity a little above what the demo serves now, so the line sits on the scale.
          capacity: capacityAbove(data),
          sortBy: 'total',
          sortDesc: true,
          modelLabel: 'model_group',
        },
        fieldConfig: { defaults: { unit: 'suffix: tok/s' }, overrides: [] },
        theme,
        width: 1040,
        height: 420,
      });
      await page.getByTestId('token-chart').waitFor();
      const rows = page.getByTestId('token-legend-row');
      expect(await rows.count()).toBe(models.length);
      const listed = (await rows.locator('td:first-child').allTextContents()).sort();
      expect(listed).toEqual(models);
      expect(await page.getByTestId('token-capacity').count()).toBe(1);
      await page.locator('#panel').screenshot({ path: join(SHOTS, `token-rate-${theme}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );
});

describe('GPU heatmap, a GPU failing', () => {
  it('draws the failed GPU red in both views (gpu_failure: GPU 5 needs a reset)', async () => {
    expect((await demo.control('/api/v1/scenario', { scenario: 'gpu_failure' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20_000));
    const data = [
      ...(await frames('A', 'llmmon_gpu_utilization_ratio', 180)),
      ...(await frames('G', 'llmmon_gpu_container_memory_used_bytes', 180)),
      ...(await frames('H', 'llmmon_gpu_health == 1', 180)),
    ];
    const { page, errors } = await openPlugin('gpu-heatmap-panel');
    await renderHeatmap(page, data, 'grid', 'dark');
    const cell = page.getByTestId('gpu-cell-5');
    await cell.waitFor();
    expect(await cell.textContent()).toContain('FAILED');
    await page.locator('#panel').screenshot({ path: join(SHOTS, 'gpu-heatmap-failed-dark.png') });
    await renderHeatmap(page, data, 'history', 'dark');
    await page.getByTestId('gpu-history').waitFor();
    const host = data.find((f) => f.labels['gpu'] === '5')!.labels['host'];
    expect(await page.getByTestId('gpu-row-5').getAttribute('aria-label')).toBe(`GPU 5 on ${host} (failed)`);
    expect(
      await page.locator('[data-testid="gpu-row-5"] rect[data-failed="reset_required"]').count(),
    ).toBeGreaterThan(3);
    expect(await page.locator('[data-testid="gpu-row-4"] rect[data-failed]').count()).toBe(0);
    await page.locator('#panel').screenshot({ path: join(SHOTS, 'gpu-heatmap-history-failed-dark.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
