/**
 * The runner's prometheus.yml: promtool accepts it; every job's targets carry the host label
 * (file_sd jobs through the runner's target files), the external label carries it for what is
 * shipped, and remote write appears only with a URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderPrometheusConfig, shippedFilter } from './prometheus-config';

const TEMPLATE = readFileSync(join(__dirname, '../../infra/prometheus/prometheus.yml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'llmmon-promcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const render = (remoteWriteUrl?: string) =>
  renderPrometheusConfig(TEMPLATE, {
    self: '127.0.0.1:33001',
    alertmanager: '127.0.0.1:33003',
    interval: '1s',
    host: 'gpu-node-02',
    remoteWriteUrl,
  });

it('passes promtool check config, with and without remote write', () => {
  for (const url of [undefined, 'http://127.0.0.1:8428/api/v1/write']) {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, render(url));
    // promtool checks the rule files too: only the config here.
    expect(
      execFileSync('promtool', ['check', 'config', '--syntax-only', file], { encoding: 'utf8' }),
    ).toContain('SUCCESS');
  }
});

it('labels every series with the host, at scrape time and for remote write', () => {
  const c = parse(render('http://127.0.0.1:8428/api/v1/write'));
  expect(c.global.external_labels).toEqual({ host: 'gpu-node-02' });
  expect(c.global.scrape_interval).toBe('1s');
  const self = c.scrape_configs.find((j: { job_name: string }) => j.job_name === 'prometheus');
  expect(self.static_configs).toEqual([{ targets: ['127.0.0.1:33001'], labels: { host: 'gpu-node-02' } }]);
  expect(c.alerting.alertmanagers[0].static_configs).toEqual([{ targets: ['127.0.0.1:33003'] }]);
  // infra/prometheus/remote-write.yml's entry, with the URL given.
  expect(c.remote_write).toEqual([
    expect.objectContaining({
      url: 'http://127.0.0.1:8428/api/v1/write',
      queue_config: expect.objectContaining({ max_samples_per_send: 2000 }),
      write_relabel_configs: expect.arrayContaining([
        { source_labels: ['__name__'], regex: 'vllm:.+', action: 'drop' },
      ]),
    }),
  ]);
  expect(parse(render()).remote_write).toBeUndefined();
});

it("applies remote-write.yml's drops to history as Prometheus applies them to what it ships", () => {
  const shipped = shippedFilter();
  expect(shipped({ __name__: 'vllm:num_requests_running', model: 'm' })).toBe(false);
  expect(shipped({ __name__: 'node_cpu_seconds_total', cpu: '3', mode: 'user' })).toBe(false);
  expect(shipped({ __name__: 'node_cpu_seconds_total', cpu: '3', mode: 'idle' })).toBe(true);
  expect(shipped({ __name__: 'llmmon_vllm_num_requests_running', model: 'm' })).toBe(true);
  expect(shipped({ __name__: 'up' })).toBe(true);
});

it('adds site and cluster beside host, and reaches a centre behind auth and a private CA', () => {
  const files = Object.fromEntries(
    ['token', 'password', 'ca.pem'].map((f) => {
      writeFileSync(join(dir, f), 'x');
      return [f, join(dir, f)];
    }),
  );
  const text = renderPrometheusConfig(TEMPLATE, {
    self: '127.0.0.1:33001',
    alertmanager: '127.0.0.1:33003',
    host: 'gpu-node-02',
    site: 'fra1',
    cluster: 'inference',
    remoteWriteUrl: 'https://centre.example:8428/api/v1/write',
    remoteWriteAuth: { bearerTokenFile: files['token'], caFile: files['ca.pem'] },
  });
  const c = parse(text);
  const identity = { host: 'gpu-node-02', site: 'fra1', cluster: 'inference' };
  expect(c.global.external_labels).toEqual(identity);
  expect(
    c.scrape_configs.find((j: { job_name: string }) => j.job_name === 'prometheus').static_configs[0].labels,
  ).toEqual(identity);
  expect(c.remote_write[0]).toMatchObject({
    authorization: { type: 'Bearer', credentials_file: files['token'] },
    tls_config: { ca_file: files['ca.pem'] },
  });
  const basic = parse(
    renderPrometheusConfig(TEMPLATE, {
      self: '127.0.0.1:33001',
      alertmanager: '127.0.0.1:33003',
      host: 'gpu-node-02',
      remoteWriteUrl: 'https://centre.example:8428/api/v1/write',
      remoteWriteAuth: { username: 'gpu-node-02', passwordFile: files['password'] },
    }),
  );
  expect(basic.remote_write[0].basic_auth).toEqual({
    username: 'gpu-node-02',
    password_file: files['password'],
  });
  // No site given: no site label, and none of the file's ${…} placeholders left for compose.
  expect(basic.global.external_labels).toEqual({ host: 'gpu-node-02' });
  for (const rendered of [text, stringify(basic)]) {
    const file = join(dir, 'auth.yml');
    writeFileSync(file, rendered);
    expect(
      execFileSync('promtool', ['check', 'config', '--syntax-only', file], { encoding: 'utf8' }),
    ).toContain('SUCCESS');
  }
});
