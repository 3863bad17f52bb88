/**
 * Exposition parser throughput (`npm run bench`, outside the test suite): MB/s over the vLLM
 * and LiteLLM fixtures, ours against parse-prometheus-text-format (the common npm parser) in
 * the same run. Target: at least 3x its throughput.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseExposition } from '../src';
import { readFixture, UPSTREAM_FIXTURES } from '../test/upstream-fixtures';

const texts = UPSTREAM_FIXTURES.map(readFixture);
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);

/** MB/s over `seconds` of repeated passes over every fixture, after a warm-up. */
function throughput(parse: (text: string) => unknown, seconds = 3): number {
  for (let i = 0; i < 20; i++) for (const t of texts) parse(t);
  let passes = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (const t of texts) parse(t);
    passes++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  }
  return (passes * bytes) / 1e6 / elapsed;
}

console.log(`[bench] parsing ${texts.length} fixtures (${(bytes / 1024).toFixed(0)} kB a pass), 3 s each …`);
const ours = throughput((t) => parseExposition(t));
const theirs = throughput((t) => parsePrometheusTextFormat(t));
console.table([
  { parser: 'llmmon parseExposition', mb_per_s: Math.round(ours * 10) / 10 },
  { parser: 'parse-prometheus-text-format 1.1.1', mb_per_s: Math.round(theirs * 10) / 10 },
]);
const ratio = ours / theirs;
console.log(
  `${ratio >= 3 ? 'PASS' : 'MISS'}  parser throughput ${ratio.toFixed(2)}x parse-prometheus-text-format (target >= 3x)`,
);
