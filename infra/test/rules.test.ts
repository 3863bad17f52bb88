/**
 * The house rules of our Prometheus rules, which promtool cannot check: every alert has a
 * severity, a summary, a description and a runbook section that exists, and its unit tests
 * cover both "not yet firing" and "firing with these labels"; every threshold lives in
 * thresholds.yml (the SLO alerts' burn-rate factors in slos.yml, recorded by the generated
 * slo.yml); Prometheus loads every rule file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const PROM = join(__dirname, '../prometheus');
const RUNBOOKS = join(__dirname, '../../docs/runbooks.md');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels: Record<string, string> }[];
}
interface TestFile {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: AlertTest[] }[];
}

const read = <T>(path: string) => parse(readFileSync(path, 'utf8')) as T;
const ruleFiles = readdirSync(join(PROM, 'rules')).filter((f) => f.endsWith('.yml'));
const rules = ruleFiles.flatMap((f) =>
  read<RuleFile>(join(PROM, 'rules', f)).groups.flatMap((g) => g.rules.map((r) => ({ ...r, file: f }))),
);
const alerts = rules.filter((r) => r.alert);
const testFiles = readdirSync(join(PROM, 'tests')).filter((f) => f.endsWith('.test.yml'));
const alertTests = testFiles.flatMap((f) =>
  read<TestFile>(join(PROM, 'tests', f)).tests.flatMap((t) => t.alert_rule_test ?? []),
);
/** GitHub's anchors: lower case, punctuation dropped, spaces to dashes. */
const anchors = new Set(
  readFileSync(RUNBOOKS, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('## '))
    .map((l) =>
      l
        .slice(3)
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    ),
);

it('has the alerts of SPEC §7, GPU health and self-monitoring', () => {
  expect(alerts.map((a) => a.alert).sort()).toEqual(
    [
      'CollectorFailing',
      'ContainerRestartLoop',
      'CostBudgetExceeded',
      'DiskSpaceCritical',
      'GpuDegraded',
      'GpuMemoryCritical',
      'GpuNvlinkDown',
      'GpuTemperatureCritical',
      'GpuTemperatureHigh',
      'GpuUnhealthy',
      'HostCpuCritical',
      'HostMemoryHigh',
      'ModelErrorRateHigh',
      'ModelLatencyAboveBaseline',
      'ModelLoadingFailed',
      'ModelNotServing',
      'ModelPreemptionsSustained',
      'ModelSaturationPredicted',
      'ModelSLOBudgetDrain',
      'ModelSLOFastBurn',
      'ModelSLOSlowBurn',
      'ModelSLOSustainedBurn',
      'TargetAbsent',
      'TargetDown',
      'UpstreamDown',
    ].sort(),
  );
});

describe.each(alerts.map((a) => [a.alert!, a] as const))('%s', (name, alert) => {
  it('has a severity, a summary, a description and a runbook section that exists', () => {
    expect(['critical', 'warning']).toContain(alert.labels?.['severity']);
    expect(alert.annotations?.['summary']).toBeTruthy();
    expect(alert.annotations?.['description']).toMatch(/\{\{ \$labels\.\w+ \}\}/);
    const runbook = alert.annotations?.['runbook_url'] ?? '';
    expect(runbook).toMatch(/^docs\/runbooks\.md#/);
    expect(anchors).toContain(runbook.split('#')[1]);
  });

  it('is unit-tested not yet firing and firing with its labels', () => {
    const cases = alertTests.filter((t) => t.alertname === name);
    expect(cases.some((t) => (t.exp_alerts ?? []).length === 0)).toBe(true);
    const firing = cases.filter((t) => (t.exp_alerts ?? []).length > 0);
    expect(firing.length).toBeGreaterThan(0);
    for (const t of firing)
      for (const a of t.exp_alerts!) expect(a.exp_labels['severity']).toBe(alert.labels?.['severity']);
  });

  it('names the families it reads, never matches on __name__ (one vocabulary per meaning)', () => {
    expect(alert.expr).not.toContain('__name__');
  });

  it('takes its numbers from thresholds.yml', () => {
    // Comparisons against a literal (other than 0 or 1, which are states) belong in thresholds.yml.
    const literals = alert.expr.match(/[<>]=?\s*(\d+(\.\d+)?)/g) ?? [];
    expect(literals.filter((l) => !/[<>]=?\s*[01]$/.test(l))).toEqual([]);
  });
});

it('keeps recording rules in level:metric:operations form and every threshold in thresholds.yml', () => {
  for (const r of rules.filter((x) => x.record)) {
    expect(r.expr).not.toContain('__name__');
    expect(r.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
    if (r.record!.startsWith('llmmon:threshold:')) expect(r.file).toBe('thresholds.yml');
  }
});

it('Prometheus and every unit test load every rule file', () => {
  const config = read<{ rule_files: string[] }>(join(PROM, 'prometheus.yml'));
  expect(config.rule_files).toEqual(['rules/*.yml']);
  for (const f of testFiles) {
    expect(
      read<TestFile>(join(PROM, 'tests', f))
        .rule_files.map((p) => p.replace('../rules/', ''))
        .sort(),
    ).toEqual([...ruleFiles].sort());
  }
});
