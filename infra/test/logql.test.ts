/**
 * Every LogQL query of the project parses with Grafana's LogQL grammar (the one Grafana's
 * query editor uses): those documented in docs/logs.md, and the project's LogQL elsewhere as
 * it appears (dashboards add theirs here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@grafana/lezer-logql';

const ROOT = join(__dirname, '../..');

/** The ```logql blocks of a Markdown file. */
const blocks = (file: string) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```logql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

function errorsIn(query: string): string[] {
  const errors: string[] = [];
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: "${query.slice(node.from, node.from + 20)}"`);
    },
  });
  return errors;
}

const queries = [...blocks('docs/logs.md'), ...blocks('README.md')];

it('finds the documented queries', () => {
  expect(queries.length).toBeGreaterThanOrEqual(7);
});

it.each(queries)('%s parses', (query) => {
  expect(errorsIn(query)).toEqual([]);
});

it('and the check itself catches a broken query', () => {
  expect(errorsIn('{container="x" |= ')).not.toEqual([]);
});
