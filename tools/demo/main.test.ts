/**
 * The runner's settings and arguments: what it refuses before starting anything (one line;
 * exit 2 for a bad variable), and which of repeated arguments it reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './run-demo';

const dir = mkdtempSync(join(tmpdir(), 'llmmon-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  [
    { REMOTE_WRITE_BEARER_TOKEN_FILE: '/t', REMOTE_WRITE_USERNAME: 'u', REMOTE_WRITE_PASSWORD_FILE: '/p' },
    'REMOTE_WRITE_USERNAME',
  ],
  [{ REMOTE_WRITE_USERNAME: 'u' }, 'REMOTE_WRITE_PASSWORD_FILE'],
])('the runner refuses half or double remote-write auth in one line, exit 2 (%o)', async (env, variable) => {
  const r = await runScript('tools/demo/main.ts', [], {
    ...process.env,
    ...env,
    DEMO_DATA_DIR: join(dir, 'refused'),
  });
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(variable);
  expect(r.stdout).not.toMatch(/starting/);
});

it("reads the last --days: npm run backfill's own --days 7 comes first", async () => {
  // 31 days is refused before anything starts: the runner read the user's value, not the script's.
  const r = await runScript('tools/demo/main.ts', ['--days', '7', '--step', '300', '--days', '31'], {
    ...process.env,
    DEMO_DATA_DIR: join(dir, 'refused-days'),
  });
  expect(r.stderr).toContain('--days: expected a whole number of days from 0 to 30');
  expect(r.stdout).not.toMatch(/starting/);
});
