/** The scenario test plans of tests/e2e/plans (README there), for the tests that check and run them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-demo';

export const DIR = join(ROOT, 'tests/e2e/plans');

export interface Plan {
  dashboard: { uid: string; title: string; folder: string };
  scenario: string;
  settings?: Record<string, number | boolean>;
  steps: { action: string }[];
  alerts: { alertname: string; labels: Record<string, string> }[];
}

export const plans = (): [string, Plan][] =>
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json') && f !== 'plan.schema.json')
    .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Plan]);
