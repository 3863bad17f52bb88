/**
 * promtool's rule unit tests on a variant of our rules: every committed rule file, some of them
 * replaced (a generated file rendered from a changed config), and the tests given.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const PROM = join(__dirname, '../prometheus');

/** Runs `promtool test rules`; returns its output, or throws with it when a test fails. */
export function promtoolTest(replaced: Readonly<Record<string, string>>, tests: readonly object[]): string {
  const run = mkdtempSync(join(tmpdir(), 'llmmon-promtool-'));
  try {
    mkdirSync(join(run, 'rules'));
    const files = readdirSync(join(PROM, 'rules')).filter((f) => f.endsWith('.yml'));
    for (const f of files)
      writeFileSync(join(run, 'rules', f), replaced[f] ?? readFileSync(join(PROM, 'rules', f), 'utf8'));
    writeFileSync(
      join(run, 'test.yml'),
      stringify({ rule_files: files.map((f) => `rules/${f}`), evaluation_interval: '1m', tests }),
    );
    try {
      return execFileSync('promtool', ['test', 'rules', join(run, 'test.yml')], { encoding: 'utf8' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`promtool test rules failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}
