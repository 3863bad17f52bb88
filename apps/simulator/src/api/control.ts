import type Router from '@koa/router';
import { HttpError, type Logger, type RouteHelpers } from '@llmmon/metrics-core';
import { CLOCK_MODES, type ClockMode, type SimClock } from '../clock';
import type { Store } from '../store';
import { SCENARIOS, SETTING_RANGES, ValidationError, parseScenarioChoice } from '../world/scenarios';
import type { World } from '../world/world';
import { readJsonBody } from './body';

export interface ControlDeps {
  readonly world: World;
  readonly clock: SimClock;
  readonly store: Store;
  readonly logger: Logger;
  /** Where each simulated upstream answers (for exporters' configuration, the demo, tests). */
  readonly upstreams: () => Record<string, unknown>;
  /** After the clock moved: brings what the exporters read from disk to the new time at once. */
  readonly onClockMoved?: () => void;
}

/** Longest manual clock jump in one request (keeps a request from computing for minutes). */
const MAX_JUMP_MS = 31 * 24 * 3600 * 1000;

/** The scenario and clock control API: reads are open, changes need the admin token. */
export function controlRoutes(router: Router, { control }: RouteHelpers, deps: ControlDeps): void {
  const { world, clock, store, logger } = deps;

  router.get('/api/v1/upstreams', (ctx) => {
    ctx.body = deps.upstreams();
  });
  const current = () => ({
    scenario: world.choice.scenario,
    settings: world.choice.settings,
    since: new Date(world.scenarioSinceMs).toISOString(),
    sim_time: new Date(world.timeMs).toISOString(),
  });

  router.get('/api/v1/scenarios', (ctx) => {
    ctx.body = {
      scenarios: SCENARIOS.map((s) => ({ name: s.name, description: s.description, settings: s.settings })),
      setting_ranges: { ...SETTING_RANGES, enable_anomalies: 'boolean' },
    };
  });

  router.get('/api/v1/scenario', (ctx) => {
    ctx.body = current();
  });

  router.put('/api/v1/scenario', ...control, async (ctx) => {
    const body = await readJsonBody(ctx);
    let choice;
    try {
      choice = parseScenarioChoice(body);
    } catch (e) {
      if (e instanceof ValidationError) throw new HttpError(400, 'invalid_request', e.message);
      throw e;
    }
    world.advanceTo(clock.now());
    world.setScenario(choice);
    store.saveChoice(choice);
    logger.info({ scenario: choice.scenario, settings: choice.settings }, 'scenario changed');
    ctx.body = current();
  });

  const clockView = () => ({
    mode: clock.mode,
    speed: clock.speed,
    time: new Date(clock.now()).toISOString(),
  });

  router.get('/api/v1/clock', (ctx) => {
    ctx.body = clockView();
  });

  router.put('/api/v1/clock', ...control, async (ctx) => {
    const body = (await readJsonBody(ctx)) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'invalid_request', 'body: expected a JSON object {mode, speed?, time?}');
    }
    const { mode, speed, time, ...rest } = body;
    const extra = Object.keys(rest)[0];
    if (extra) throw new HttpError(400, 'invalid_request', `${extra}: unknown field`);
    if (typeof mode !== 'string' || !CLOCK_MODES.includes(mode as ClockMode)) {
      throw new HttpError(400, 'invalid_request', `mode: expected one of ${CLOCK_MODES.join(', ')}`);
    }
    if (speed !== undefined && (typeof speed !== 'number' || !(speed >= 0.1 && speed <= 100_000))) {
      throw new HttpError(400, 'invalid_request', 'speed: expected a number between 0.1 and 100000');
    }
    let toMs: number | undefined;
    if (time !== undefined) {
      toMs = typeof time === 'string' ? Date.parse(time) : NaN;
      if (mode !== 'manual') throw new HttpError(400, 'invalid_request', 'time: only with mode "manual"');
      if (Number.isNaN(toMs))
        throw new HttpError(400, 'invalid_request', 'time: expected an ISO 8601 instant');
      const now = clock.now();
      if (toMs < now) throw new HttpError(400, 'invalid_request', 'time: the clock only moves forward');
      if (toMs - now > MAX_JUMP_MS)
        throw new HttpError(400, 'invalid_request', 'time: at most 31 days ahead per request');
    }
    clock.set(mode as ClockMode, (speed as number | undefined) ?? clock.speed, toMs);
    world.advanceTo(clock.now());
    deps.onClockMoved?.();
    logger.info(clockView(), 'clock changed');
    ctx.body = clockView();
  });
}
