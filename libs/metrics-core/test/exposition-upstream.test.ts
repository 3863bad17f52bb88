/**
 * The exposition parser on what upstreams really send (the vLLM V0 and V1 and LiteLLM
 * fixtures), on malformed and hostile input, and under a bounded fuzz run.
 */
import fc from 'fast-check';
import {
  ClassifiedError,
  ExpositionParser,
  ParseError,
  allSamples,
  parseExposition,
  renderParsed,
  seriesKey,
  type ParsedFamily,
} from '../src';
import { readFixture, UPSTREAM_FIXTURES } from './upstream-fixtures';

/** Every sample as "series value", comparable across renderings (NaN written as NaN). */
const series = (families: Map<string, ParsedFamily>) =>
  allSamples(families).map((s) => `${seriesKey(s)} ${Number.isNaN(s.value) ? 'NaN' : s.value}`);

/** The same text fed in pieces of `size` characters, as a socket delivers it. */
function parseInChunks(text: string, size: number) {
  const p = new ExpositionParser();
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  return p.end();
}

describe.each(UPSTREAM_FIXTURES)('%s', (name) => {
  const text = readFixture(name);

  it('parses every sample line, in any chunking, and round-trips through the renderer', () => {
    const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const families = parseInChunks(text, text.length);
    expect(allSamples(families)).toHaveLength(lines.length);
    expect(series(parseInChunks(text, 7))).toEqual(series(families));
    expect(series(parseInChunks(text, 4096))).toEqual(series(families));

    const again = parseExposition(renderParsed(families.values()));
    expect(series(again)).toEqual(series(families));
    for (const f of families.values()) {
      if (f.samples.length === 0) continue;
      expect({ help: again.get(f.name)!.help, type: again.get(f.name)!.type }).toEqual({
        help: f.help,
        type: f.type,
      });
    }
  });
});

describe('prometheus_client output', () => {
  it('takes label names that are also Object.prototype members as plain labels', () => {
    const s = parseExposition('x{constructor="a",toString="b"} 1\n').get('x')!.samples[0]!;
    expect(s.labels).toEqual({ constructor: 'a', toString: 'b' });
  });

  it('keeps _created as its own gauge family, and V0 multiprocess output without it', () => {
    const v11 = parseExposition(readFixture('vllm-metrics-v0.11.txt'));
    expect(v11.get('http_requests_created')!.type).toBe('gauge');
    expect(v11.get('process_virtual_memory_bytes')!.samples[0]!.value).toBe(138123597824);
    const v06 = parseExposition(readFixture('vllm-metrics-v0.6.txt'));
    expect([...v06.keys()].some((k) => k.endsWith('_created'))).toBe(false);
    const hist = [...v06.values()].find((f) => f.type === 'histogram')!;
    expect(hist.samples.some((s) => s.name.endsWith('_bucket') && s.labels['le'] === '+Inf')).toBe(true);
  });
});

describe('malformed input is a ParseError for that body, never a crash', () => {
  const good = readFixture('vllm-metrics-v0.11.txt');
  const reject = (text: string, pattern: RegExp, parser = new ExpositionParser()) => {
    let error: unknown;
    try {
      parser.push(text);
      parser.end();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ClassifiedError);
    expect((error as Error).message).toMatch(pattern);
    return error as ClassifiedError;
  };

  it.each([
    ['a body cut off mid-line', good.slice(0, good.indexOf('\n', 20_000) + 25), /ends mid-line/],
    ['a line cut inside its labels', 'x{a="1",b="2\n', /unterminated label value/],
    ['an escape the format does not have', 'x{a="C:\\tmp"} 1\n', /bad escape in label a/],
    ['a second HELP', '# HELP x one\n# HELP x two\nx 1\n', /line 2: second HELP for x/],
    ['a second TYPE', '# TYPE x gauge\n# TYPE x counter\n', /second TYPE for x/],
    ['a TYPE after the samples', 'x 1\n# TYPE x gauge\n', /TYPE for x after its samples/],
    ['an unknown type', '# TYPE x bogus\n', /unknown type/],
    ['a duplicate label', 'x{a="1",a="2"} 1\n', /duplicate label a/],
    ['a label that would replace the prototype', 'x{__proto__="1"} 1\n', /bad label name/],
    ['a hex value', 'x 0x10\n', /invalid sample value/],
    ['garbage after the value', 'x 1 2 3\n', /trailing garbage/],
    ['an invalid metric name', '0x 1\n', /invalid metric name/],
    ['content after # EOF', 'x 1\n# EOF\ny 2\n', /after # EOF/],
  ])('%s', (_, text, pattern) => {
    expect(reject(text, pattern)).toBeInstanceOf(ParseError);
  });

  it('10 MB of garbage: rejected at the first line, or at the size cap', () => {
    let seed = 42;
    const bytes = Buffer.alloc(10 * 1024 * 1024, 0);
    for (let i = 0; i < bytes.length; i++)
      bytes[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    const garbage = bytes.toString('latin1');
    reject(garbage, /line 1/);
    const capped = reject(garbage, /larger than/, new ExpositionParser({ maxBytes: 1024 * 1024 }));
    expect(capped.kind).toBe('too_large');
  });

  it('a 50 MB body of valid lines stops at the size cap, fed in chunks', () => {
    const parser = new ExpositionParser({ maxBytes: 10 * 1024 * 1024 });
    const chunk = 'vllm:num_requests_running{model_name="m"} 1\n'.repeat(20_000); // ~0.9 MB
    let error: unknown;
    try {
      for (let i = 0; i < 56; i++) parser.push(chunk);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ kind: 'too_large' });
  });

  it('a line longer than the limit is refused before it is buffered whole', () => {
    const parser = new ExpositionParser({ maxLineLength: 1000 });
    expect(() => parser.push(`x{a="${'y'.repeat(2000)}`)).toThrow(/longer than 1000/);
  });
});

describe('fuzz (bounded)', () => {
  const name = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
  const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => !n.startsWith('__'));
  const value = fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.constantFrom(Infinity, -Infinity, NaN));
  const family = fc.record({
    name,
    help: fc.string({ maxLength: 40 }).map((h) => h.replace(/[\r]/g, '')),
    type: fc.constantFrom('counter', 'gauge', 'untyped'),
    samples: fc.array(fc.record({ labels: fc.dictionary(labelName, fc.string({ maxLength: 20 })), value }), {
      minLength: 1,
      maxLength: 5,
    }),
  });

  it('arbitrary text: returns or throws a classified error, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseExposition(text);
        } catch (err) {
          if (!(err instanceof ClassifiedError)) throw err;
        }
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 5000 },
    );
  });

  it('mutated real lines: returns or throws a classified error, nothing else', () => {
    const lines = readFixture('vllm-metrics-v0.11.txt').split('\n').slice(0, 200);
    fc.assert(
      fc.property(fc.constantFrom(...lines), fc.nat(200), fc.string({ maxLength: 4 }), (line, at, insert) => {
        const mutated = `${line.slice(0, at)}${insert}${line.slice(at + insert.length)}\n`;
        try {
          parseExposition(mutated);
        } catch (err) {
          if (!(err instanceof ClassifiedError)) throw err;
        }
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 5000 },
    );
  });

  it('generated families survive render → parse unchanged', () => {
    fc.assert(
      fc.property(fc.uniqueArray(family, { selector: (f) => f.name, maxLength: 6 }), (fams) => {
        // Names that a suffix would fold into another family are skipped, as the format defines.
        const names = fams.map((f) => f.name);
        if (names.some((a) => names.some((b) => a !== b && a.startsWith(b)))) return;
        const families = new Map<string, ParsedFamily>(
          fams.map((f) => [
            f.name,
            {
              name: f.name,
              help: f.help,
              type: f.type,
              samples: f.samples.map((s) => ({ name: f.name, ...s })),
            },
          ]),
        );
        expect(series(parseExposition(renderParsed(families.values())))).toEqual(series(families));
      }),
      { numRuns: 500, interruptAfterTimeLimit: 5000 },
    );
  });
});
