/**
 * The CI workflows: they parse, every `run:` calls a script that exists, they install through
 * the same script as .ci/run, and `nx affected` against HEAD~1 selects only the projects a
 * change touches (checked on a temporary commit in a throwaway clone).
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../demo/run-demo';

const WORKFLOWS = join(ROOT, '.github/workflows');
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

interface Workflow {
  on: unknown;
  jobs: Record<string, { steps: { run?: string; uses?: string }[] }>;
}
const workflows = readdirSync(WORKFLOWS).map(
  (f) => [f, parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow] as const,
);
const runs = workflows.flatMap(([f, w]) =>
  Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => s.run).map((s) => [f, s.run!] as const)),
);

it('has a CI and a release workflow that parse', () => {
  expect(workflows.map(([f]) => f).sort()).toEqual(['ci.yml', 'release.yml']);
  for (const [, w] of workflows) expect(Object.keys(w.jobs).length).toBeGreaterThan(0);
});

it.each(runs)('%s: `%s` calls only scripts that exist', (_file, run) => {
  for (const path of run.match(/(?:^|\s)((?:\.ci|tools)\/[\w./-]+)/g) ?? [])
    expect(existsSync(join(ROOT, path.trim()))).toBe(true);
  for (const [, name] of run.matchAll(/npm run (\S+)/g)) expect(Object.keys(scripts)).toContain(name);
});

it('installs through tools/setup.sh, the script behind npm test and .ci/run', () => {
  const ci = workflows.find(([f]) => f === 'ci.yml')![1];
  const all = Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
  expect(all).toContain('bash tools/setup.sh');
  expect(all).toContain('bash .ci/run');
  expect(scripts['test']).toMatch(/^bash tools\/setup\.sh && /);
});

describe('nx affected on a temporary commit', () => {
  const clone = mkdtempSync(join(tmpdir(), 'llmmon-affected-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
  const affected = () =>
    execFileSync('npx', ['nx', 'show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD'], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    })
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort();
  const commit = (file: string) => {
    appendFileSync(join(clone, file), '\n// touched by the affected test\n');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.org', 'commit', '-qam', `touch ${file}`);
  };

  beforeAll(() => {
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it("a change to one app's shell selects that app, and the repository-wide checks only", () => {
    commit('apps/langfuse-exporter/src/main.ts');
    // tools' unit tests read the whole repository (no file refers outside it, the READMEs match
    // the code): every change reruns them.
    expect(affected()).toEqual(['langfuse-exporter', 'tools']);
  });

  it('a change to one exporter selects its library, its app and the agent, not the other exporters', () => {
    commit('libs/exporters/langfuse/src/langfuse.ts');
    const projects = affected();
    expect(projects).toEqual(expect.arrayContaining(['exporter-langfuse', 'langfuse-exporter', 'agent']));
    expect(projects).not.toContain('exporter-litellm');
    expect(projects).not.toContain('litellm-exporter');
  });

  it('a change to a library selects it and everything built on it', () => {
    commit('libs/docker/src/index.ts');
    const projects = affected();
    expect(projects).toEqual(
      expect.arrayContaining([
        'docker',
        'exporter-container',
        'container-exporter',
        'gpu-exporter',
        'vllm-exporter',
      ]),
    );
    expect(projects).not.toContain('exporter-langfuse');
    expect(projects).not.toContain('langfuse-exporter');
  });
});
