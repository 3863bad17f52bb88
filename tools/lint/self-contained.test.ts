/**
 * The repository is self-contained: a clone runs `npm test` with nothing beside it. No
 * tracked file may refer to a path outside the repository: a relative path climbing above its
 * root (a test reading fixtures from a folder beside the checkout), the reference folder
 * itself, or an absolute path into the machine the file was written on.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const OUTSIDE = resolve(ROOT, '..');
const BINARY = /\.(png|jpe?g|gif|ico|woff2?|gz|tgz|zip|so)$/i;

/** Where `text` (the content of `file`, relative to the root) points outside the repository. */
export function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  const dir = resolve(ROOT, dirname(file));
  // A run of ../ followed by a name: resolved from the file's own folder.
  for (const m of text.matchAll(/(?<![\w./-])((?:\.\.\/)+)([\w@.-]+)/g)) {
    const target = resolve(dir, m[1]!, m[2]!);
    if (target !== ROOT && !target.startsWith(ROOT + sep)) found.push(m[0]);
  }
  for (const m of text.matchAll(/shared\/(fixtures|SPEC\.md|TOOLCHAIN\.md|STYLE\.md|hooks|seed)/g))
    found.push(m[0]);
  if (text.includes(OUTSIDE + sep) && !text.includes(ROOT)) found.push(OUTSIDE + sep);
  return found;
}

// The probes are assembled, so this file does not itself hold what it looks for.
const up = (n: number) => '../'.repeat(n);
const reference = ['shared', 'fixtures'].join('/');

it('finds a reference outside the repository where one is written', () => {
  const probe = `const FIXTURES = join(__dirname, '${up(4)}${reference}');`;
  expect(outsideReferences('apps/some-app/test/probe.test.ts', probe).length).toBeGreaterThan(0);
  expect(outsideReferences('README.md', `see ${up(1)}${reference}/README.md`)).not.toEqual([]);
  expect(outsideReferences('apps/some-app/src/x.ts', `// copied from ${reference}/x.json`)).not.toEqual([]);
  expect(outsideReferences('apps/some-app/test/probe.test.ts', "import { x } from '../src/x';")).toEqual([]);
});

it('has no tracked file that refers to a path outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !BINARY.test(f));
  const offenders: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    const refs = outsideReferences(file, text);
    if (refs.length) offenders.push(`${file}: ${[...new Set(refs)].join(', ')}`);
  }
  expect(offenders).toEqual([]);
});
