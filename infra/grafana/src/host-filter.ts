/**
 * Every dashboard honours its `host` variable: each PromQL vector selector gets a host matcher
 * (PromQL parsed by Prometheus's own grammar, so functions, `by (…)` lists and strings are left
 * alone). The matcher also accepts no host: on a host's own Prometheus, what its rules record
 * by instance or model has none (the host is in its external labels, which only what it ships
 * carries), and every series there is that host's anyway; at the centre every series has one.
 */
import { parser } from '@prometheus-io/lezer-promql';

export const HOST_MATCHER = 'host=~"$host|"';

/** `expr` with the host matcher in every vector selector that has no `host` matcher yet. */
export function withHostFilter(expr: string, matcher = HOST_MATCHER): string {
  const inserts: [number, string][] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.name !== 'VectorSelector') return undefined;
      const matchers = n.node.getChild('LabelMatchers');
      if (!matchers) inserts.push([n.to, `{${matcher}}`]);
      else {
        const inner = expr.slice(matchers.from + 1, matchers.to - 1);
        if (!/(^|[,{\s])host\s*(=~|!~|!=|=)/.test(inner))
          inserts.push([matchers.to - 1, inner.trim() ? `, ${matcher}` : matcher]);
      }
      return false;
    },
  });
  let out = expr;
  for (const [at, text] of inserts.sort((a, b) => b[0] - a[0])) out = out.slice(0, at) + text + out.slice(at);
  return out;
}
