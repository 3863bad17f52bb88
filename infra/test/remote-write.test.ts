/**
 * What a host does not ship (prometheus/remote-write.yml's write_relabel_configs) is read by no
 * dashboard and no fleet rule: every vector selector of every PromQL query, variable and
 * central rule is checked against each drop rule. (The fleet e2e then asks every dashboard
 * query of the centre, fed through these rules, for each host.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { renderDashboards } from '../grafana/src';

interface RelabelRule {
  source_labels: string[];
  regex: string;
  action: string;
}
const entry = parse(readFileSync(join(__dirname, '../prometheus/remote-write.yml'), 'utf8')) as {
  write_relabel_configs: RelabelRule[];
};

/** A selector's metric name and the labels its equality matchers fix. */
interface Selector {
  readonly expr: string;
  readonly labels: Record<string, string>;
}

function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.name !== 'VectorSelector') return undefined;
      const text = expr.slice(n.from, n.to);
      const labels: Record<string, string> = {};
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
      if (name) labels['__name__'] = name[0];
      for (const m of text.matchAll(/([a-zA-Z_]\w*)\s*=\s*"([^"]*)"/g)) labels[m[1]!] = m[2]!;
      out.push({ expr, labels });
      return false;
    },
  });
  return out;
}

/** PromQL of the dashboards: panel targets (Loki's left out) and label_values variables. */
function dashboardQueries(): string[] {
  const found: string[] = [];
  const walk = (node: unknown, loki: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, loki));
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    const isLoki = loki || JSON.stringify(o['datasource'] ?? '').includes('loki');
    if (typeof o['expr'] === 'string' && !isLoki) found.push(o['expr']);
    const q = o['query'] as { query?: unknown } | string | undefined;
    const text = typeof q === 'string' ? q : q?.query;
    const lv = typeof text === 'string' ? /^label_values\((.+),\s*\w+\)$/.exec(text) : null;
    if (lv && !isLoki) found.push(lv[1]!);
    for (const v of Object.values(o)) walk(v, isLoki);
  };
  for (const json of renderDashboards().values()) walk(JSON.parse(json), false);
  // Variables stand for label values; the built-in intervals for a duration.
  return found.map((e) => e.replace(/\$\{?__\w+\}?/g, '5m').replace(/\$\{?\w+\}?/g, 'x'));
}

function fleetRuleQueries(): string[] {
  const rules = parse(readFileSync(join(__dirname, '../fleet/rules/fleet.yml'), 'utf8')) as {
    groups: { rules: { expr: string }[] }[];
  };
  return rules.groups.flatMap((g) => g.rules.map((r) => String(r.expr)));
}

/**
 * Whether a drop rule may remove series a selector reads: every source label the selector fixes
 * is joined as Prometheus joins them (`;`); one it leaves open may take any value, so the rule
 * is then judged by the labels before it (the metric name, for ours).
 */
function mayDrop(rule: RelabelRule, s: Selector): boolean {
  const values = rule.source_labels.map((l) => s.labels[l]);
  const open = values.indexOf(undefined);
  if (open === -1) return new RegExp(`^(?:${rule.regex})$`).test(values.join(';'));
  const fixed = values.slice(0, open).join(';');
  const parts = rule.regex.split(';');
  return open > 0 && new RegExp(`^(?:${parts.slice(0, open).join(';')})$`).test(fixed);
}

it('drops only with drop rules on the metric name first', () => {
  expect(entry.write_relabel_configs.length).toBeGreaterThan(0);
  for (const r of entry.write_relabel_configs) {
    expect(r.action).toBe('drop');
    expect(r.source_labels[0]).toBe('__name__');
  }
});

it('drops nothing a dashboard or fleet rule reads', () => {
  const queries = [...dashboardQueries(), ...fleetRuleQueries()];
  expect(queries.length).toBeGreaterThan(250);
  const read = queries.flatMap(selectors);
  const problems = read.flatMap((s) =>
    entry.write_relabel_configs
      .filter((r) => mayDrop(r, s))
      .map((r) => `${r.regex} drops what ${s.expr} reads (${JSON.stringify(s.labels)})`),
  );
  expect(problems).toEqual([]);
  // The check sees the selectors the rules are about: per-core idle time, read by the dashboards.
  expect(
    read.some((s) => s.labels['__name__'] === 'node_cpu_seconds_total' && s.labels['mode'] === 'idle'),
  ).toBe(true);
});

it('would catch a query of what is dropped', () => {
  const [raw, cpu] = ['rate(vllm:prompt_tokens_total[5m])', 'rate(node_cpu_seconds_total{cpu="3"}[5m])'].map(
    (e) => selectors(e)[0]!,
  );
  expect(entry.write_relabel_configs.some((r) => mayDrop(r, raw!))).toBe(true);
  expect(entry.write_relabel_configs.some((r) => mayDrop(r, cpu!))).toBe(true);
  const idle = selectors('node_cpu_seconds_total{mode="idle"}')[0]!;
  expect(entry.write_relabel_configs.some((r) => mayDrop(r, idle))).toBe(false);
});
