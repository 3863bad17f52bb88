/**
 * The compose stack and Grafana provisioning, validated as far as this machine can without a
 * Docker engine or Grafana: docker-compose (v1) resolves the file under both profiles; each
 * profile has its services, healthchecks and named volumes; .env.example documents every
 * variable; Grafana's datasources have fixed uids and its folders are all provisioned.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TOPOLOGY } from '@llmmon/topology';

const ROOT = join(__dirname, '../..');
const EXPORTERS = TOPOLOGY.map((t) => t.app);

interface Service {
  profiles?: string[];
  image?: string;
  healthcheck?: { test: string[] };
  volumes?: (string | { source?: string; type: string })[];
  networks?: Record<string, { aliases?: string[] } | null>;
  network_mode?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

/** `docker-compose config` for a profile (its resolved, merged view), parsed. */
function resolved(profile: string, env: Record<string, string> = {}): { services: Record<string, Service> } {
  const out = execFileSync('docker-compose', ['-f', 'docker-compose.yml', '--profile', profile, 'config'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], GRAFANA_ADMIN_PASSWORD: 'a-test-password-123', ...env },
    encoding: 'utf8',
  });
  return parse(out) as { services: Record<string, Service> };
}

describe.each(['real', 'mock'])('docker compose --profile %s', (profile) => {
  const { services } = resolved(profile);
  const inProfile = Object.entries(services).filter(([, s]) => !s.profiles || s.profiles.includes(profile));
  const names = inProfile.map(([n]) => n);

  it('runs Prometheus, Loki, Grafana and every exporter, each reachable under its usual name', () => {
    for (const n of ['prometheus', 'loki', 'grafana', 'check-env', 'alertmanager'])
      expect(names).toContain(n);
    for (const e of EXPORTERS) {
      const [name, s] = inProfile.find(
        ([n, x]) => n === e || x.networks?.['default']?.aliases?.includes(e),
      ) ?? [undefined];
      // The system exporter uses the host's network in both profiles; the others the service name.
      expect(name === e || e === 'system-exporter' || s?.networks?.['default']?.aliases?.includes(e)).toBe(
        true,
      );
    }
    if (profile === 'mock') expect(names).toContain('simulator');
    else expect(names).toContain('alloy');
  });

  it("gives every long-running service a healthcheck: llmmon's own images theirs, on /ready", () => {
    for (const [name, s] of inProfile) {
      if (name === 'check-env' || name === 'alertmanager-config') continue;
      // The image's HEALTHCHECK (below), which compose must not replace.
      if (s.image?.startsWith('llmmon/')) expect([name, s.healthcheck]).toEqual([name, undefined]);
      else expect([name, s.healthcheck?.test.join(' ') ?? '']).toEqual([name, expect.stringMatching(/./)]);
    }
  });

  it('keeps data in named volumes and mounts the Docker socket read-only', () => {
    for (const [, s] of inProfile) {
      for (const v of s.volumes ?? []) {
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        if (text.includes('docker.sock')) expect(text).toMatch(/:ro$|"read_only":true/);
      }
    }
    const volumes = Object.keys(parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).volumes);
    expect(volumes).toEqual(expect.arrayContaining(['prometheus-data', 'loki-data', 'grafana-data']));
  });

  it('starts Grafana only after the password check passed', () => {
    expect(services['grafana']!.depends_on!['check-env']!.condition).toBe('service_completed_successfully');
  });
});

it("builds llmmon's images with a HEALTHCHECK that asks the app's own /ready", () => {
  const dockerfile = readFileSync(join(ROOT, 'infra/docker/node-app.Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/^HEALTHCHECK .* CMD \["\.\/main\.js", "healthcheck"\]$/m);
});

describe('docker compose --profile agent', () => {
  const { services } = resolved('agent');
  const inProfile = Object.entries(services).filter(([, s]) => !s.profiles || s.profiles.includes('agent'));

  it('runs one agent for every exporter, beside Prometheus, Loki, Alloy and Grafana', () => {
    const names = inProfile.map(([n]) => n).sort();
    expect(names).toEqual(
      [
        'agent',
        'alertmanager',
        'alertmanager-config',
        'alloy',
        'check-env',
        'grafana',
        'loki',
        'prometheus',
      ].sort(),
    );
  });

  it("points Prometheus at the agent's paths when LLMMON_PROMETHEUS_TARGETS says so", () => {
    const { services: withAgentTargets } = resolved('agent', {
      LLMMON_PROMETHEUS_TARGETS: './infra/prometheus/targets-agent',
    });
    const mounts = (withAgentTargets['prometheus']!.volumes ?? []).map((v) => JSON.stringify(v));
    expect(mounts.some((m) => m.includes('targets-agent') && m.includes('/etc/prometheus/targets'))).toBe(
      true,
    );
  });
});

it('.env.example documents every variable the compose files read, and nothing else', () => {
  const used = new Set(
    ['docker-compose.yml', 'docker-compose.fleet.yml'].flatMap((f) =>
      [...readFileSync(join(ROOT, f), 'utf8').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]),
    ),
  );
  const documented = new Set(
    [...readFileSync(join(ROOT, '.env.example'), 'utf8').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]),
  );
  expect([...documented].sort()).toEqual([...used].sort());
});

it('the password check refuses a password under 12 characters', () => {
  const { services } = resolved('mock', { GRAFANA_ADMIN_PASSWORD: 'short' });
  const script = services['check-env']!;
  // Run its command with sh here, as busybox would in the container.
  const command = (
    parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).services['check-env'].command as string[]
  )[2]!.replace(/\$\$/g, '$');
  const run = (password: string) => {
    try {
      execFileSync('sh', ['-c', command], { env: { GRAFANA_ADMIN_PASSWORD: password }, stdio: 'pipe' });
      return 0;
    } catch (err) {
      return (err as { status: number }).status;
    }
  };
  expect(script.environment!['GRAFANA_ADMIN_PASSWORD']).toBe('short');
  expect(run('short')).toBe(1);
  expect(run('')).toBe(1);
  expect(run('twelve-chars')).toBe(0);
});

describe('docker compose -f docker-compose.fleet.yml (the centre)', () => {
  const out = execFileSync('docker-compose', ['-f', 'docker-compose.fleet.yml', 'config'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], GRAFANA_ADMIN_PASSWORD: 'a-test-password-123' },
    encoding: 'utf8',
  });
  const services = (parse(out) as { services: Record<string, Service & { command?: string[] }> }).services;

  it('runs VictoriaMetrics, vmalert with the fleet rules, Alertmanager and Grafana, each with a healthcheck', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['alertmanager', 'alertmanager-config', 'check-env', 'grafana', 'victoria-metrics', 'vmalert'].sort(),
    );
    for (const name of ['victoria-metrics', 'vmalert', 'alertmanager', 'grafana'])
      expect([name, services[name]!.healthcheck?.test.join(' ')]).toEqual([
        name,
        expect.stringContaining('wget'),
      ]);
    const vmalert = services['vmalert']!;
    expect(vmalert.command).toEqual(
      expect.arrayContaining([
        '-datasource.url=http://victoria-metrics:8428',
        '-notifier.url=http://alertmanager:9093',
      ]),
    );
    const rules = (vmalert.volumes ?? []).map((v) => JSON.stringify(v));
    expect(rules.some((m) => m.includes('infra/fleet/rules') && m.includes('/etc/llmmon/rules'))).toBe(true);
    // The centre's store in a named volume; every port on loopback unless told otherwise.
    expect(JSON.stringify(services['victoria-metrics']!.volumes)).toContain('victoria-metrics-data');
    expect(
      JSON.stringify(Object.values(services).map((s) => (s as { ports?: unknown }).ports ?? [])),
    ).not.toMatch(/0\.0\.0\.0/);
  });

  it("gives Grafana the dashboards' Prometheus datasource uid, pointed at VictoriaMetrics", () => {
    const mounts = (services['grafana']!.volumes ?? []).map((v) => JSON.stringify(v));
    expect(mounts.some((m) => m.includes('infra/fleet/grafana/datasources.yml'))).toBe(true);
    const ds = parse(readFileSync(join(ROOT, 'infra/fleet/grafana/datasources.yml'), 'utf8')).datasources as {
      uid: string;
      url: string;
    }[];
    expect(ds.find((d) => d.uid === 'llmmon-prometheus')?.url).toBe('http://victoria-metrics:8428');
  });

  it('uses the Alertmanager image and config renderer of docker-compose.yml', () => {
    const host = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).services;
    const centre = parse(readFileSync(join(ROOT, 'docker-compose.fleet.yml'), 'utf8')).services;
    for (const name of ['alertmanager', 'alertmanager-config', 'check-env'])
      expect([name, centre[name]]).toEqual([name, host[name]]);
  });
});

describe('Grafana provisioning', () => {
  const read = (p: string) => parse(readFileSync(join(ROOT, 'infra/grafana/provisioning', p), 'utf8'));

  it('provides Prometheus, Loki and Alertmanager under fixed uids, at their compose addresses', () => {
    const ds = read('datasources/llmmon.yml').datasources as { uid: string; type: string; url: string }[];
    expect(ds.map((d) => [d.uid, d.type, d.url])).toEqual([
      ['llmmon-prometheus', 'prometheus', 'http://prometheus:23001'],
      ['llmmon-loki', 'loki', 'http://loki:3100'],
      ['llmmon-alertmanager', 'alertmanager', 'http://alertmanager:9093'],
    ]);
  });

  it('maps the six folders, and the home dashboard exists', () => {
    const providers = read('dashboards/llmmon.yml').providers as {
      folder: string;
      options: { path: string };
    }[];
    expect(providers.map((p) => p.folder)).toEqual(['System', 'LLM', 'Analytics', 'Logs', 'Status', 'Self']);
    const { services } = resolved('real');
    const home = services['grafana']!.environment!['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH']!;
    expect(
      JSON.parse(readFileSync(join(ROOT, 'infra/grafana/dashboards', home.split('/dashboards/')[1]!), 'utf8'))
        .uid,
    ).toBe('llmmon-home');
  });

  it('allows exactly our two panel plugins unsigned, anonymous access off, 8 h sessions', () => {
    const env = resolved('real').services['grafana']!.environment!;
    expect(env['GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS']).toBe(
      'llmmon-gpuheatmap-panel,llmmon-tokenrate-panel',
    );
    expect(env['GF_AUTH_ANONYMOUS_ENABLED']).toBe('false');
    expect(env['GF_AUTH_LOGIN_MAXIMUM_LIFETIME_DURATION']).toBe('8h');
  });
});

it('Loki keeps 30 days on the filesystem without auth', () => {
  const loki = parse(readFileSync(join(ROOT, 'infra/loki/loki.yml'), 'utf8'));
  expect(loki.auth_enabled).toBe(false);
  expect(loki.limits_config.retention_period).toBe('720h');
  expect(loki.compactor.retention_enabled).toBe(true);
  expect(loki.schema_config.configs[0].object_store).toBe('filesystem');
});
