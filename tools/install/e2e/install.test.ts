/**
 * tools/install/install.sh into a scratch root (no systemd here): the apps, their
 * self-documenting settings, the service unit and its Docker drop-ins land where the unit
 * expects them; an installed app starts from its copy; a second run keeps edited settings.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../demo/run-demo';

const install = (root: string, apps: string) =>
  execFileSync(
    'bash',
    ['tools/install/install.sh', '--root', root, '--no-systemctl', '--no-npm', '--apps', apps],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );

describe('install.sh', () => {
  const root = mkdtempSync(join(tmpdir(), 'llmmon-install-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lays out the apps, settings and unit as the unit expects', () => {
    install(root, 'system-exporter container-exporter');
    const unit = readFileSync(join(root, 'etc/systemd/system/llmmon@.service'), 'utf8');
    expect(unit).toContain('ExecStart=/opt/llmmon/%i/main.js');
    expect(unit).toContain('EnvironmentFile=/etc/llmmon/%i.env');
    expect(unit).toContain('RestartPreventExitStatus=2');
    for (const app of ['system-exporter', 'container-exporter']) {
      expect(existsSync(join(root, 'opt/llmmon', app, 'main.js'))).toBe(true);
      expect(readFileSync(join(root, 'etc/llmmon', `${app}.env`), 'utf8')).toMatch(/^#PORT=\d+$/m);
    }
    // Docker access only where the app reads the Docker API.
    expect(existsSync(join(root, 'etc/systemd/system/llmmon@container-exporter.service.d/docker.conf'))).toBe(
      true,
    );
    expect(existsSync(join(root, 'etc/systemd/system/llmmon@system-exporter.service.d'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(root, 'opt/llmmon/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['prom-client', 'koa', 'pino']));
  });

  it('an installed app runs from its copy (with the workspace packages standing in for /opt/llmmon/node_modules)', () => {
    const r = spawnSync(join(root, 'opt/llmmon/container-exporter/main.js'), [], {
      env: {
        PATH: process.env['PATH'],
        NODE_PATH: join(ROOT, 'node_modules'),
        DOCKER_HOST: 'ftp://nope',
        PORT: '0',
      },
      encoding: 'utf8',
      timeout: 10_000,
    });
    // It loaded its packages and validated its settings: the documented refusal, not a crash.
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DOCKER_HOST');
  });

  it('a second run keeps settings the operator edited', () => {
    writeFileSync(join(root, 'etc/llmmon/system-exporter.env'), 'PORT=9200\n');
    install(root, 'system-exporter');
    expect(readFileSync(join(root, 'etc/llmmon/system-exporter.env'), 'utf8')).toBe('PORT=9200\n');
  });

  it('installs the agent as one service, its settings every exporter’s variables, each once', () => {
    install(root, 'agent');
    expect(existsSync(join(root, 'opt/llmmon/agent/main.js'))).toBe(true);
    expect(existsSync(join(root, 'opt/llmmon/agent/README.md'))).toBe(true);
    const env = readFileSync(join(root, 'etc/llmmon/agent.env'), 'utf8');
    expect(env).toMatch(/^#PORT=9900$/m);
    expect(env).toMatch(/^#AGENT_EXPORTERS=system,gpu,container,vllm,litellm,langfuse$/m);
    for (const shared of ['PROCFS_PATH', 'DOCKER_HOST', 'LITELLM_API_KEY', 'LANGFUSE_URL'])
      expect(env.match(new RegExp(`^#${shared}=`, 'gm'))).toHaveLength(1);
    expect(existsSync(join(root, 'etc/systemd/system/llmmon@agent.service.d/docker.conf'))).toBe(true);
  });

  it('refuses an unknown app, naming it', () => {
    const r = spawnSync(
      'bash',
      ['tools/install/install.sh', '--root', root, '--no-systemctl', '--apps', 'nope'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no app named nope');
  });
});
