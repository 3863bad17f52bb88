/**
 * Writes the generated rule files (`npx nx run infra:rules`): rules/cost.yml from costs.yml and
 * rules/slo.yml from slos.yml. infra/test/cost.test.ts and slo.test.ts fail when a committed
 * file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCostConfig, renderCostRules } from './cost-rules';
import { parseSloConfig, renderSloRules } from './slo-rules';

const DIR = join(__dirname, '..');
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');
try {
  const generated = {
    'rules/cost.yml': renderCostRules(parseCostConfig(read('costs.yml'))),
    'rules/slo.yml': renderSloRules(parseSloConfig(read('slos.yml'))),
  };
  for (const [file, text] of Object.entries(generated)) {
    writeFileSync(join(DIR, file), text);
    console.log(`wrote infra/prometheus/${file}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
