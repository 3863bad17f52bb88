/**
 * The one topology table (libs/topology: each exporter's name, port, app and Prometheus job)
 * and the deployment files agree: Prometheus has a job per exporter reading its targets file,
 * the targets point at each exporter's port (or the agent's path), and compose runs each app
 * under its name in the real and mock profiles, listening on its port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AGENT_PORT } from '@llmmon/metrics-core';
import { TOPOLOGY } from '@llmmon/topology';

const ROOT = join(__dirname, '../..');
const PROM = join(ROOT, 'infra/prometheus');
const read = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;

interface Job {
  job_name: string;
  file_sd_configs?: { files: string[] }[];
}
type Targets = { targets: string[]; labels?: Record<string, string> }[];
interface Compose {
  services: Record<string, { profiles?: string[]; image?: string; environment?: Record<string, unknown> }>;
}

const jobs = read<{ scrape_configs: Job[] }>(join(PROM, 'prometheus.yml')).scrape_configs;
const compose = read<Compose>(join(ROOT, 'docker-compose.yml'));

it('has one Prometheus job per exporter and no other but Prometheus itself', () => {
  expect(jobs.map((j) => j.job_name).sort()).toEqual(['prometheus', ...TOPOLOGY.map((t) => t.job)].sort());
});

describe.each(TOPOLOGY.map((t) => [t.definition.name, t] as const))('the %s exporter', (name, t) => {
  it('is scraped by its job from targets/<job>.json, at its port', () => {
    const job = jobs.find((j) => j.job_name === t.job)!;
    expect(job.file_sd_configs).toEqual([{ files: [`targets/${t.job}.json`] }]);
    const targets = JSON.parse(readFileSync(join(PROM, 'targets', `${t.job}.json`), 'utf8')) as Targets;
    expect(targets.flatMap((g) => g.targets).map((x) => x.split(':').pop())).toEqual([
      String(t.definition.port),
    ]);
  });

  it("is scraped at the agent's /metrics/<name> in targets-agent", () => {
    const targets = JSON.parse(readFileSync(join(PROM, 'targets-agent', `${t.job}.json`), 'utf8')) as Targets;
    expect(targets).toEqual([
      { targets: [`host.docker.internal:${AGENT_PORT}`], labels: { __metrics_path__: `/metrics/${name}` } },
    ]);
  });

  it('runs as its app in the real and the mock profile, listening on its port', () => {
    for (const [service, profile] of [
      [t.app, 'real'],
      [`${t.app}-mock`, 'mock'],
    ] as const) {
      const s = compose.services[service]!;
      expect(s.profiles).toEqual([profile]);
      expect(s.image).toBe(`llmmon/${t.app}:\${LLMMON_VERSION:-dev}`);
      expect(String(s.environment!['PORT'])).toMatch(new RegExp(`(^|:-)${t.definition.port}\\}?$`));
    }
  });
});
