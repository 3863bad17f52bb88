import { createHash } from 'node:crypto';
import { API_KEYS } from '../../world/layout';
import type { RequestRecord, World } from '../../world/world';
import { apiBase, modelId } from './render';

const MAX_PAGE_SIZE = 100;
/** `YYYY-MM-DD HH:MM:SS` (UTC), the format /spend/logs/v2 takes its dates in. */
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export class SpendLogQueryError extends Error {}

/** LiteLLM's SpendLogs row for one request (no prompts: store_prompts_in_spend_logs is off). */
function row(w: World, r: RequestRecord) {
  const v = w.models.find((m) => m.spec.container === r.container)!.spec;
  const start = r.timeMs - r.latencySeconds * 1000;
  const key = API_KEYS[r.keyIndex]!;
  const requestId = createHash('sha256').update(`${r.container}:${r.id}`).digest('hex').slice(0, 32);
  return {
    request_id: `chatcmpl-${requestId}`,
    call_type: v.kind === 'embedding' ? 'aembedding' : 'acompletion',
    api_key: createHash('sha256').update(`sk-${key.alias}`).digest('hex'),
    spend: r.costUsd,
    total_tokens: r.promptTokens + r.completionTokens,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    startTime: new Date(start).toISOString(),
    endTime: new Date(r.timeMs).toISOString(),
    completionStartTime: r.failed
      ? null
      : new Date(start + Math.min(r.latencySeconds, 0.4) * 1000).toISOString(),
    model: v.model,
    model_id: modelId(v.alias),
    model_group: v.alias,
    custom_llm_provider: 'hosted_vllm',
    api_base: apiBase(v.container),
    user: key.user,
    metadata: {
      user_api_key_alias: key.alias,
      user_api_key_team_alias: key.teamAlias,
      status: r.failed ? 'failure' : 'success',
      ...(r.failed
        ? {
            error_information: {
              error_code: '500',
              error_class: 'APIConnectionError',
              llm_provider: 'hosted_vllm',
              error_message: `litellm.APIConnectionError: Hosted_vllmException - Cannot connect to host ${v.container}:8000`,
            },
          }
        : {}),
    },
    cache_hit: 'False',
    request_tags: [],
    team_id: key.team,
    end_user: '',
    requester_ip_address: key.clientIp,
    session_id: r.sessionId,
    status: r.failed ? 'failure' : 'success',
  };
}

/**
 * `GET /spend/logs/v2`: the requests the world served, by start time between start_date and
 * end_date (inclusive, UTC, `YYYY-MM-DD HH:MM:SS`), paged, sorted by startTime.
 */
export function spendLogs(w: World, q: URLSearchParams) {
  const date = (name: string) => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    if (!DATE.test(raw)) throw new SpendLogQueryError(`${name}: expected YYYY-MM-DD HH:MM:SS`);
    return Date.parse(`${raw.replace(' ', 'T')}Z`);
  };
  const from = date('start_date') ?? -Infinity;
  const to = date('end_date') ?? Infinity;
  const page = Number(q.get('page') ?? 1);
  const pageSize = Number(q.get('page_size') ?? 50);
  if (!Number.isInteger(page) || page < 1) throw new SpendLogQueryError('page: expected an integer >= 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw new SpendLogQueryError(`page_size: expected an integer between 1 and ${MAX_PAGE_SIZE}`);
  const startOf = (r: RequestRecord) => r.timeMs - r.latencySeconds * 1000;
  const rows = w.requests.filter((r) => startOf(r) >= from && startOf(r) <= to);
  rows.sort((a, b) => startOf(a) - startOf(b));
  if (q.get('sort_order') === 'desc') rows.reverse();
  return {
    data: rows.slice((page - 1) * pageSize, page * pageSize).map((r) => row(w, r)),
    total: rows.length,
    page,
    page_size: pageSize,
    total_pages: Math.ceil(rows.length / pageSize),
  };
}
