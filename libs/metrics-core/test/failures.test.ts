import { Writable } from 'node:stream';
import pino from 'pino';
import { ClassifiedError, FailureLog } from '../src';

it('logs a part once when it starts failing, when the kind changes and when it recovers; totals never drop', () => {
  const msgs: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        msgs.push((JSON.parse(chunk.toString()) as { msg: string; kind?: string }).kind ?? 'recovered');
        done();
      },
    }),
  );
  const log = new FailureLog(logger, { failing: 'down', recovered: 'up' });
  const timeout = new ClassifiedError('timeout', 'slow');
  for (let i = 0; i < 3; i++) log.failed('a', timeout); // three scrapes, one line
  log.failed('a', new ClassifiedError('parse', 'garbage'));
  log.succeeded('a');
  log.succeeded('a');
  log.failed('b', timeout);
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
