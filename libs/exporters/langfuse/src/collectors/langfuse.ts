import {
  counter,
  ERROR_KINDS,
  gauge,
  histogram,
  type BackgroundSnapshot,
  type Collector,
} from '@llmmon/metrics-core';
import { LATENCY_BUCKETS, type LangfuseState } from '../read';

const info = gauge('llmmon_langfuse_info', "Always 1: Langfuse's version.", ['version']);
const W = ['window'] as const;
const MW = ['model', 'window'] as const;
const traces = gauge(
  'llmmon_langfuse_traces',
  'Traces in the window (today: since 00:00 UTC; <N>d: the last N UTC days including today).',
  W,
);
const observations = gauge('llmmon_langfuse_observations', 'Observations in the window.', W);
const cost = gauge('llmmon_langfuse_cost_usd', 'Cost Langfuse computed for the window, in USD.', W);
const models = gauge(
  'llmmon_langfuse_models',
  'Distinct models with usage in the longer window (before the top N are kept).',
);
const modelTraces = gauge(
  'llmmon_langfuse_model_traces',
  'Traces using the model in the window (model: the top N by tokens, "other", "unknown" for no model).',
  MW,
);
const modelObservations = gauge(
  'llmmon_langfuse_model_observations',
  'Observations of the model in the window.',
  MW,
);
const modelInput = gauge(
  'llmmon_langfuse_model_input_tokens',
  'Input tokens of the model in the window.',
  MW,
);
const modelOutput = gauge(
  'llmmon_langfuse_model_output_tokens',
  'Output tokens of the model in the window.',
  MW,
);
const modelCost = gauge('llmmon_langfuse_model_cost_usd', 'Cost of the model in the window, in USD.', MW);
const latency = histogram(
  'llmmon_langfuse_trace_latency_seconds',
  'Latency of the traces read since start (each counted once, when ingested), in seconds.',
);
const tracesRead = counter('llmmon_langfuse_traces_read_total', 'Traces read since start.');
const tracesUnread = counter(
  'llmmon_langfuse_traces_unread_total',
  'Traces skipped because a poll reached LANGFUSE_MAX_PAGES (raise it if this grows).',
);
const truncated = counter(
  'llmmon_langfuse_listing_truncated_total',
  'Polls whose listing (daily, traces, scores) was cut at LANGFUSE_MAX_PAGES.',
  ['listing'],
);
const activeUsers = gauge(
  'llmmon_langfuse_active_users',
  'Distinct users with a trace in the last hour (a count: never a label per user).',
);
const activeSessions = gauge(
  'llmmon_langfuse_active_sessions',
  'Distinct sessions with a trace in the last hour.',
);
const scores = counter(
  'llmmon_langfuse_scores_total',
  'Scores read since start, by score name (the first N names seen; later ones under "other").',
  ['name'],
);
const scoreValue = histogram(
  'llmmon_langfuse_score_value',
  'Numeric and boolean score values by name: average = rate(_sum) / rate(_count).',
  ['name'],
  'summary',
);

const PER_MODEL = [modelTraces, modelObservations, modelInput, modelOutput, modelCost];
const WINDOWS = 2;
/**
 * Series that do not grow with models or scores: info, models, 2 windows × (traces,
 * observations, cost), the latency buckets + `+Inf`, `_sum` and `_count`, traces read and
 * unread, 3 listings, active users and sessions, and the upstream's health (up, last
 * success, duration, one error counter per kind).
 */
const FIXED_SERIES = 2 + 6 + (LATENCY_BUCKETS.length + 3) + 2 + 3 + 2 + (3 + ERROR_KINDS.length);
/** The exporter's own families (process, Node.js, its collector): about 90 series, measured. */
const SELF_SERIES = 110;

/** The most series the exporter can write with these top-N settings (checked against the budget). */
export function maxSeries(o: { topModels: number; topScores: number }): number {
  const modelLabels = o.topModels + 2; // + other + unknown
  const scoreLabels = o.topScores + 1; // + other
  return SELF_SERIES + FIXED_SERIES + WINDOWS * modelLabels * PER_MODEL.length + scoreLabels * 3;
}

/** Serves the last poll of Langfuse (upstream `langfuse`); the scrape never calls Langfuse. */
export function langfuseCollector(snapshot: BackgroundSnapshot<LangfuseState>): Collector {
  return {
    name: 'langfuse',
    metrics: [
      info,
      traces,
      observations,
      cost,
      models,
      ...PER_MODEL,
      latency,
      tracesRead,
      tracesUnread,
      truncated,
      activeUsers,
      activeSessions,
      scores,
      scoreValue,
    ],
    collect(out) {
      const s = snapshot.current.value;
      if (!s) return;
      out.add(info, { version: s.version }, 1);
      for (const w of s.windows) {
        const window = w.window;
        out.add(traces, { window }, w.traces);
        out.add(observations, { window }, w.observations);
        out.add(cost, { window }, w.costUsd);
        for (const [model, m] of w.models) {
          const l = { model, window };
          out.add(modelTraces, l, m.traces);
          out.add(modelObservations, l, m.observations);
          out.add(modelInput, l, m.inputTokens);
          out.add(modelOutput, l, m.outputTokens);
          out.add(modelCost, l, m.costUsd);
        }
      }
      out.add(models, s.modelsInWindow);
      out.addHistogram(latency, {}, { bounds: LATENCY_BUCKETS, ...s.latency });
      out.add(tracesRead, s.tracesRead);
      out.add(tracesUnread, s.tracesUnread);
      for (const listing of ['daily', 'traces', 'scores'])
        out.add(truncated, { listing }, s.truncated.get(listing) ?? 0);
      out.add(activeUsers, s.activeUsers);
      out.add(activeSessions, s.activeSessions);
      for (const [name, t] of s.scores) {
        out.add(scores, { name }, t.count);
        out.addSample(scoreValue, { name: `${scoreValue.name}_sum`, labels: { name }, value: t.sum });
        out.addSample(scoreValue, { name: `${scoreValue.name}_count`, labels: { name }, value: t.valued });
      }
    },
  };
}
