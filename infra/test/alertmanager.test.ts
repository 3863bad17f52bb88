/**
 * Alertmanager's configuration passes amtool check-config as the runner renders it, with a
 * webhook and without one; a critical GPU alert inhibits only the warning on the same GPU, an
 * SLO page the tickets (and the slower page) of the same model SLO.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderAlertmanagerConfig } from '@llmmon/native-stack';
import { parse } from 'yaml';

const TEMPLATE = readFileSync(join(__dirname, '../alertmanager/alertmanager.yml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'llmmon-am-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (config: string) => {
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, config);
  return execFileSync('amtool', ['check-config', file], { encoding: 'utf8' });
};

it('passes amtool check-config with a webhook', () => {
  const rendered = renderAlertmanagerConfig(TEMPLATE, 'https://hooks.example.org/llmmon?x=1');
  expect(check(rendered)).toContain('SUCCESS');
  expect(parse(rendered).receivers[0].webhook_configs[0].url).toBe('https://hooks.example.org/llmmon?x=1');
});

it('passes amtool check-config without one (alerts held, sent nowhere)', () => {
  const rendered = renderAlertmanagerConfig(TEMPLATE, undefined);
  expect(check(rendered)).toContain('SUCCESS');
  expect(parse(rendered).receivers[0].webhook_configs).toBeUndefined();
});

it('groups by alert name and machine; inhibits GPU warnings under a critical on the same GPU, and SLO tickets under a page of the same model SLO', () => {
  const config = parse(renderAlertmanagerConfig(TEMPLATE, undefined));
  expect(config.route.group_by).toEqual(['alertname', 'instance']);
  expect(config.inhibit_rules).toEqual([
    {
      source_matchers: ['severity="critical"', 'gpu=~".+"'],
      target_matchers: ['severity="warning"', 'gpu=~".+"'],
      equal: ['instance', 'gpu'],
    },
    {
      source_matchers: ['alertname=~"ModelSLO.+"', 'severity="critical"'],
      target_matchers: ['alertname=~"ModelSLO.+"', 'severity="warning"'],
      equal: ['model', 'slo'],
    },
    {
      source_matchers: ['alertname="ModelSLOFastBurn"'],
      target_matchers: ['alertname="ModelSLOSustainedBurn"'],
      equal: ['model', 'slo'],
    },
  ]);
});

it("compose's alertmanager-config step renders the same valid configuration", () => {
  const compose = parse(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8'));
  const script = (compose.services['alertmanager-config'].command as string[])[2]!
    .replace(/\$\$/g, '$')
    .replaceAll('/template/', `${join(__dirname, '../alertmanager')}/`)
    .replaceAll('/config/', `${dir}/`);
  for (const url of ['https://hooks.example.org/llmmon', '']) {
    execFileSync('sh', ['-c', script], { env: { ALERT_WEBHOOK_URL: url } });
    const rendered = readFileSync(join(dir, 'alertmanager.yml'), 'utf8');
    expect(
      execFileSync('amtool', ['check-config', join(dir, 'alertmanager.yml')], { encoding: 'utf8' }),
    ).toContain('SUCCESS');
    expect(parse(rendered)).toEqual(parse(renderAlertmanagerConfig(TEMPLATE, url || undefined)));
  }
});
