/** The host matcher goes into every vector selector, and nowhere else. */
import { withHostFilter } from '../grafana/src/host-filter';

const M = 'host=~"$host|"';

it.each([
  ['up', `up{${M}}`],
  ['up{job="gpu"}', `up{job="gpu", ${M}}`],
  ['up{}', `up{${M}}`],
  [
    'sum by (model) (rate(llmmon_vllm_prompt_tokens_total{model=~"$model"}[$__rate_interval]))',
    `sum by (model) (rate(llmmon_vllm_prompt_tokens_total{model=~"$model", ${M}}[$__rate_interval]))`,
  ],
  [
    'a / on (instance, gpu) group_left (name) b and c offset 5m',
    `a{${M}} / on (instance, gpu) group_left (name) b{${M}} and c{${M}} offset 5m`,
  ],
  [
    'histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))) or vector(0)',
    `histogram_quantile(0.95, sum by (le) (rate(x_bucket{${M}}[5m]))) or vector(0)`,
  ],
  ['count(up{host="a"}) + time()', `count(up{host="a"}) + time()`],
  [
    'label_replace(m{x="host=1"}, "host", "$1", "h", "(.*)")',
    `label_replace(m{x="host=1", ${M}}, "host", "$1", "h", "(.*)")`,
  ],
  ['max_over_time(x[7d:1h])', `max_over_time(x{${M}}[7d:1h])`],
])('%s', (expr, expected) => {
  expect(withHostFilter(expr)).toBe(expected);
});
