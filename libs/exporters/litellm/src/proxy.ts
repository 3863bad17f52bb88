/** What the LiteLLM proxy's admin API says, reduced to what the exporter exposes. */

export const MODEL_TYPES = ['chat', 'embedding', 'rerank', 'completion', 'other'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/** One deployment of a model group, from `/model/info`. */
export interface Deployment {
  /** model_info.id: the deployment's id. */
  readonly id: string;
  /** model_name: the model group clients ask for. */
  readonly group: string;
  /** litellm_params.model, e.g. hosted_vllm/meta-llama/Llama-3.1-70B-Instruct. */
  readonly model: string;
  readonly provider: string;
  readonly type: ModelType;
  /** api_base without credentials, query or fragment. */
  readonly endpoint: string;
  readonly contextTokens: number | undefined;
  readonly inputCostPerToken: number | undefined;
  readonly outputCostPerToken: number | undefined;
}

interface ModelInfoBody {
  data?: {
    model_name?: string;
    litellm_params?: {
      model?: string;
      api_base?: string;
      input_cost_per_token?: number;
      output_cost_per_token?: number;
    };
    model_info?: {
      id?: string;
      mode?: string;
      litellm_provider?: string;
      max_input_tokens?: number | null;
      max_tokens?: number | null;
      input_cost_per_token?: number | null;
      output_cost_per_token?: number | null;
    };
  }[];
}

/** An endpoint as it may be shown: no user:password@, no ?api_key=…, no #fragment. */
export function safeEndpoint(raw: string | undefined): string {
  if (!raw) return '';
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return ''; // not a URL: better nothing than something that may hold a secret
  }
}

const typeOf = (mode: string | undefined): ModelType =>
  mode === 'chat' || mode === 'embedding' || mode === 'rerank' || mode === 'completion' ? mode : 'other';

const num = (...xs: (number | null | undefined)[]) => xs.find((x): x is number => typeof x === 'number');

export function parseModelInfo(body: unknown): Deployment[] {
  const data = (body as ModelInfoBody | null)?.data;
  if (!Array.isArray(data)) throw new Error('/model/info: expected {"data": [...]}');
  return data.map((d, i) => {
    const model = d.litellm_params?.model ?? '';
    return {
      id: d.model_info?.id ?? `deployment-${i}`,
      group: d.model_name ?? model,
      model,
      provider: d.model_info?.litellm_provider ?? model.split('/')[0] ?? '',
      type: typeOf(d.model_info?.mode),
      endpoint: safeEndpoint(d.litellm_params?.api_base),
      contextTokens: num(d.model_info?.max_input_tokens, d.model_info?.max_tokens),
      inputCostPerToken: num(
        d.litellm_params?.input_cost_per_token,
        d.model_info?.input_cost_per_token ?? undefined,
      ),
      outputCostPerToken: num(
        d.litellm_params?.output_cost_per_token,
        d.model_info?.output_cost_per_token ?? undefined,
      ),
    };
  });
}

export interface DeploymentHealth {
  readonly healthy: boolean;
  /** The exception class of the error (APIConnectionError, Timeout, …), never its text. */
  readonly errorClass: string;
}

interface HealthBody {
  healthy_endpoints?: { api_base?: string; model?: string }[];
  unhealthy_endpoints?: { api_base?: string; model?: string; error?: string }[];
}

/** `litellm.APIConnectionError: Hosted_vllmException - …` → APIConnectionError. */
export function errorClassOf(error: string | undefined): string {
  const m = /(?:^|litellm\.)((?:[A-Z][A-Za-z]*)?(?:Error|Exception|Timeout))\b/.exec(error ?? '');
  return m ? m[1]! : 'unknown';
}

/** `/health` per deployment, matched to the catalog by model and endpoint. */
export function parseHealth(
  body: unknown,
  deployments: readonly Deployment[],
): Map<string, DeploymentHealth> {
  const h = body as HealthBody | null;
  if (!h || (!Array.isArray(h.healthy_endpoints) && !Array.isArray(h.unhealthy_endpoints))) {
    throw new Error('/health: expected healthy_endpoints and unhealthy_endpoints');
  }
  const out = new Map<string, DeploymentHealth>();
  const find = (e: { api_base?: string; model?: string }) =>
    deployments.find((d) => d.model === e.model && d.endpoint === safeEndpoint(e.api_base)) ??
    deployments.find((d) => d.model === e.model);
  for (const e of h.healthy_endpoints ?? []) {
    const d = find(e);
    if (d) out.set(d.id, { healthy: true, errorClass: '' });
  }
  for (const e of h.unhealthy_endpoints ?? []) {
    const d = find(e);
    if (d) out.set(d.id, { healthy: false, errorClass: errorClassOf(e.error) });
  }
  return out;
}

export interface Readiness {
  readonly ready: boolean;
  readonly version: string;
  readonly db: string;
  readonly cache: string;
}

export function parseReadiness(body: unknown): Readiness {
  const r = (body ?? {}) as { status?: string; litellm_version?: string; db?: string; cache?: string | null };
  return {
    ready: r.status === 'healthy' || r.status === 'connected',
    version: r.litellm_version ?? '',
    db: String(r.db ?? ''),
    cache: String(r.cache ?? ''),
  };
}
