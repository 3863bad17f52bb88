import { join } from 'node:path';
import { GoldenFiles, scrape, startTestExporter, type TestExporter } from '@llmmon/metrics-core/testing';
import { COLLECTOR_NAMES, createCollectors } from '../src/collectors';
import { fixtureDeps } from './helpers';

const goldens = new GoldenFiles(join(__dirname, 'golden/exporter'));
afterAll(() => goldens.assertNoOrphans());

/** Families whose values depend on the test process itself, not on the fixture host. */
const VOLATILE =
  /^(process_|nodejs_|llmmon_exporter_build_info|llmmon_exporter_collections_total|llmmon_exporter_collector_duration_seconds)/;

function stable(text: string): string {
  const blocks = text.split('\n\n');
  return blocks.filter((b) => !VOLATILE.test(b.replace(/^# (HELP|TYPE) /, ''))).join('\n\n');
}

describe('system exporter over the fixture host', () => {
  let t: TestExporter;
  beforeAll(async () => {
    process.env['TZ'] = 'UTC';
    t = await startTestExporter({
      name: 'system',
      collectors: createCollectors(COLLECTOR_NAMES, fixtureDeps()),
    });
  });
  afterAll(() => t.stop());

  it('serves the complete golden /metrics (process-dependent families excluded)', async () => {
    const res = await scrape(t.url);
    expect(res.status).toBe(200);
    goldens.match('metrics.prom', stable(res.text));
  });

  it('reports every collector as successful', async () => {
    const res = await scrape(t.url);
    const success = res.families.get('llmmon_exporter_collector_success')!.samples;
    expect(Object.fromEntries(success.map((s) => [s.labels['collector'], s.value]))).toEqual(
      Object.fromEntries(COLLECTOR_NAMES.map((n) => [n, 1])),
    );
  });
});

describe('system exporter with a broken source', () => {
  it('drops only the failing collector and keeps serving the rest', async () => {
    // A procfs without loadavg: that collector fails, the others still answer.
    const deps = fixtureDeps();
    const broken = {
      ...deps,
      host: Object.create(deps.host, {
        read: {
          value: (p: string) => {
            if (p.endsWith('loadavg'))
              throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
            return deps.host.read(p);
          },
        },
      }),
    };
    const t = await startTestExporter({
      name: 'system',
      collectors: createCollectors(['loadavg', 'meminfo'], broken),
    });
    try {
      const res = await scrape(t.url);
      expect(res.status).toBe(200);
      expect(res.families.has('node_load1')).toBe(false);
      expect(res.families.has('node_memory_MemTotal_bytes')).toBe(true);
      const errors = res.families.get('llmmon_exporter_collector_errors_total')!.samples;
      expect(
        errors.find((s) => s.labels['collector'] === 'loadavg' && s.labels['kind'] === 'not_found')?.value,
      ).toBeGreaterThan(0);
    } finally {
      await t.stop();
    }
  });
});
