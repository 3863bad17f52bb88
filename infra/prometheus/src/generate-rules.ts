/**
 * Writes rules/cost.yml from costs.yml (`npx nx run infra:cost-rules`). infra/test/cost.test.ts
 * fails when the committed file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCostConfig, renderCostRules } from './cost-rules';

const DIR = join(__dirname, '..');
try {
  const rules = renderCostRules(parseCostConfig(readFileSync(join(DIR, 'costs.yml'), 'utf8')));
  writeFileSync(join(DIR, 'rules/cost.yml'), rules);
  console.log('wrote infra/prometheus/rules/cost.yml');
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
