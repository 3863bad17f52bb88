/** The scenario test plans (tests/e2e/plans): one per dashboard of SPEC §6, each valid against its schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIR, plans } from './plans';

const schema = JSON.parse(readFileSync(join(DIR, 'plan.schema.json'), 'utf8')) as {
  required: string[];
  properties: Record<
    string,
    { enum?: string[]; properties?: Record<string, { enum?: string[]; pattern?: string }> }
  >;
};

it('has one plan per dashboard of SPEC §6, with distinct uids', () => {
  const titles = plans().map(([, p]) => p.dashboard.title);
  expect(titles.sort()).toEqual(
    [
      'Server health',
      'GPU usage',
      'Docker containers',
      'LiteLLM status',
      'vLLM status',
      'Model catalog',
      'Langfuse analytics',
      'Performance trends',
      'Log explorer',
      'System status & announcements',
      'Monitoring health',
    ].sort(),
  );
  expect(new Set(plans().map(([, p]) => p.dashboard.uid)).size).toBe(11);
});

describe.each(plans())('%s', (_file, plan) => {
  it('follows the schema', () => {
    const p = plan as unknown as Record<string, unknown>;
    for (const key of schema.required) expect(p[key]).toBeDefined();
    for (const key of Object.keys(p)) expect(Object.keys(schema.properties)).toContain(key);
    expect(schema.properties['scenario']!.enum).toContain(plan.scenario);
    expect(schema.properties['dashboard']!.properties!['folder']!.enum).toContain(plan.dashboard.folder);
    expect(plan.dashboard.uid).toMatch(
      new RegExp(schema.properties['dashboard']!.properties!['uid']!.pattern!),
    );
    const actions = (
      schema.properties['steps'] as unknown as { items: { properties: { action: { enum: string[] } } } }
    ).items.properties.action.enum;
    for (const step of plan.steps) expect(actions).toContain(step.action);
  });

  it('sets its scenario, opens its dashboard and checks at least one panel', () => {
    expect(plan.steps[0]).toEqual(
      expect.objectContaining({ action: 'set_scenario', scenario: plan.scenario }),
    );
    expect(plan.steps).toContainEqual(
      expect.objectContaining({ action: 'open_dashboard', uid: plan.dashboard.uid }),
    );
    expect(plan.steps.some((s) => s.action === 'expect_panel')).toBe(true);
  });
});
