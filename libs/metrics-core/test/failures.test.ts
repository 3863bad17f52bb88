import { ClassifiedError, FailureLog } from '../src';
import { captureLogs } from '../src/testing';

it('logs a part once when it starts failing, when the kind changes and when it recovers; totals never drop', () => {
  const { logger, lines } = captureLogs();
  const log = new FailureLog(logger, { failing: 'down', recovered: 'up' });
  const timeout = new ClassifiedError('timeout', 'slow');
  for (let i = 0; i < 3; i++) log.failed('a', timeout); // three scrapes, one line
  log.failed('a', new ClassifiedError('parse', 'garbage'));
  log.succeeded('a');
  log.succeeded('a');
  log.failed('b', timeout);
  const msgs = lines.map((l) => l.kind ?? 'recovered');
  expect(msgs).toEqual(['timeout', 'parse', 'recovered', 'timeout']);
  expect(log.countsOf('a')).toEqual(
    new Map([
      ['timeout', 3],
      ['parse', 1],
    ]),
  );
  log.retain(new Set(['b']));
  expect(log.countsOf('a').size).toBe(0);
  expect(log.totals).toEqual(
    new Map([
      ['timeout', 4],
      ['parse', 1],
    ]),
  );
});
