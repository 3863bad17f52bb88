import { Registry } from 'prom-client';
import {
  MetricSink,
  counter,
  gauge,
  histogram,
  parseExposition,
  passthrough,
  render,
  seriesKey,
  untyped,
} from '../src';

describe('exposition parser', () => {
  it('handles prometheus_client quirks: _created, odd floats, +Inf, escapes, timestamps', () => {
    const text = [
      '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
      '# TYPE vllm:prompt_tokens_total counter',
      'vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-70B-Instruct"} 3.67820325e+08',
      '# HELP vllm:prompt_tokens_created Number of prefill tokens processed.',
      '# TYPE vllm:prompt_tokens_created gauge',
      'vllm:prompt_tokens_created{engine="0",model_name="m"} 1.7632063553e+09',
      '# TYPE vllm:e2e_request_latency_seconds histogram',
      'vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="m"} 184392.0',
      'vllm:e2e_request_latency_seconds_sum{model_name="m"} 1.38123597824e+011',
      'weird{path="C:\\\\tmp",quote="say \\"hi\\"",nl="a\\nb"} NaN 1700000000000',
    ].join('\n');
    const f = parseExposition(text);
    expect(f.get('vllm:prompt_tokens_total')!.samples[0]!.value).toBe(367820325);
    expect(f.get('vllm:prompt_tokens_created')!.type).toBe('gauge');
    const h = f.get('vllm:e2e_request_latency_seconds')!;
    expect(h.type).toBe('histogram');
    expect(h.samples.map((s) => [s.name, s.value])).toEqual([
      ['vllm:e2e_request_latency_seconds_bucket', 184392],
      ['vllm:e2e_request_latency_seconds_sum', 138123597824],
    ]);
    expect(h.samples[0]!.labels['le']).toBe('+Inf');
    const w = f.get('weird')!.samples[0]!;
    expect(w.labels).toEqual({ path: 'C:\\tmp', quote: 'say "hi"', nl: 'a\nb' });
    expect(w.value).toBeNaN();
    expect(w.timestamp).toBe(1700000000000);
  });

  it('rejects malformed lines with a parse error', () => {
    expect(() => parseExposition('x{a="1"')).toThrow(/unterminated|expected , or }/);
    expect(() => parseExposition('x{a=1} 2')).toThrow(/bad label/);
    expect(() => parseExposition('x abc')).toThrow(/invalid sample value/);
    expect(() => parseExposition('lonely')).toThrow(/without value/);
  });

  it('reads back exactly what the renderer writes, in both formats', async () => {
    const sink = new MetricSink();
    const c = counter('t_bytes_total', 'Bytes.', ['dev']);
    sink.add(c, { dev: 'a"b\\c\nd' }, 1.5e12);
    sink.add(gauge('t_temp_celsius', 'Temp.', ['gpu']), { gpu: '0' }, -3.25);
    sink.add(untyped('t_vmstat_pgfault', 'Faults.'), 42);
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const parsed = parseExposition(await render(sink.families(), [new Registry()], format));
      const keys = [...parsed.values()].flatMap((f) => f.samples.map((s) => `${seriesKey(s)} ${s.value}`));
      expect(keys.sort()).toEqual(
        [
          't_bytes_total{dev="a\\"b\\\\c\\nd"} 1500000000000',
          't_temp_celsius{gpu="0"} -3.25',
          't_vmstat_pgfault{} 42',
        ].sort(),
      );
    }
  });

  it('renders histograms and pass-through families with their parts named, in both formats', async () => {
    const sink = new MetricSink();
    const h = histogram('t_latency_seconds', 'Latency.', ['model']);
    sink.addSample(h, { name: 't_latency_seconds_bucket', labels: { model: 'm', le: '0.5' }, value: 3 });
    sink.addSample(h, { name: 't_latency_seconds_bucket', labels: { model: 'm', le: '+Inf' }, value: 4 });
    sink.addSample(h, { name: 't_latency_seconds_sum', labels: { model: 'm' }, value: 1.25 });
    sink.addSample(h, { name: 't_latency_seconds_count', labels: { model: 'm' }, value: 4 });
    // An upstream counter without _total is re-exposed untyped, valid in OpenMetrics too.
    const legacy = passthrough('t_requests', 'Requests.', 'counter');
    expect(legacy.type).toBe('untyped');
    sink.addSample(legacy, { labels: { code: '200' }, value: 7 });
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const parsed = parseExposition(await render(sink.families(), [new Registry()], format));
      expect(parsed.get('t_latency_seconds')!.type).toBe('histogram');
      expect(parsed.get('t_latency_seconds')!.samples.map((s) => `${seriesKey(s)} ${s.value}`)).toEqual([
        't_latency_seconds_bucket{le="0.5",model="m"} 3',
        't_latency_seconds_bucket{le="+Inf",model="m"} 4',
        't_latency_seconds_sum{model="m"} 1.25',
        't_latency_seconds_count{model="m"} 4',
      ]);
      expect(parsed.get('t_requests')!.samples[0]!.value).toBe(7);
    }
  });

  it('refuses definitions that would break the exposition', () => {
    expect(() => counter('t_bytes', 'x')).toThrow(/must end in _total/);
    expect(() => gauge('0bad', 'x')).toThrow(/invalid metric name/);
    expect(() => gauge('t_x', 'x', ['__reserved'])).toThrow(/invalid label name/);
    const sink = new MetricSink();
    expect(() => sink.add(counter('t_x_total', 'x'), -1)).toThrow(/never negative/);
  });
});
