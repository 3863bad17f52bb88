import type Router from '@koa/router';

/** What the Hub says about each simulated model (parameter counts and licenses as published). */
const MODELS: Record<
  string,
  { parameters: Record<string, number>; license: string; pipeline: string; arch: string; type: string }
> = {
  'meta-llama/Llama-3.1-70B-Instruct': {
    parameters: { BF16: 70553706496 },
    license: 'llama3.1',
    pipeline: 'text-generation',
    arch: 'LlamaForCausalLM',
    type: 'llama',
  },
  'mistralai/Mixtral-8x7B-Instruct-v0.1': {
    parameters: { BF16: 46702792704 },
    license: 'apache-2.0',
    pipeline: 'text-generation',
    arch: 'MixtralForCausalLM',
    type: 'mixtral',
  },
  'Qwen/Qwen2.5-72B-Instruct': {
    parameters: { BF16: 72706203648 },
    license: 'other',
    pipeline: 'text-generation',
    arch: 'Qwen2ForCausalLM',
    type: 'qwen2',
  },
  'meta-llama/Llama-3.1-8B-Instruct': {
    parameters: { BF16: 8030261248 },
    license: 'llama3.1',
    pipeline: 'text-generation',
    arch: 'LlamaForCausalLM',
    type: 'llama',
  },
  'intfloat/e5-mistral-7b-instruct': {
    parameters: { F16: 7110660096 },
    license: 'mit',
    pipeline: 'feature-extraction',
    arch: 'MistralModel',
    type: 'mistral',
  },
};

/** GET /api/models/{org}/{name} of the Hub, shaped like huggingface.co's answer. */
export function hubModel(id: string): Record<string, unknown> | undefined {
  const m = MODELS[id];
  if (!m) return undefined;
  const [author] = id.split('/');
  const total = Object.values(m.parameters).reduce((a, b) => a + b, 0);
  return {
    _id: id
      .replace(/[^a-z0-9]/gi, '')
      .slice(0, 24)
      .toLowerCase(),
    id,
    modelId: id,
    author,
    sha: '0000000000000000000000000000000000000000',
    lastModified: '2024-12-15T01:04:07.000Z',
    private: false,
    disabled: false,
    gated: author === 'meta-llama' ? 'manual' : false,
    pipeline_tag: m.pipeline,
    tags: ['transformers', 'safetensors', m.type, m.pipeline, `license:${m.license}`, 'region:us'],
    downloads: 100000,
    library_name: 'transformers',
    likes: 100,
    config: { architectures: [m.arch], model_type: m.type },
    cardData: { license: m.license },
    transformersInfo: { pipeline_tag: m.pipeline },
    siblings: [{ rfilename: 'config.json' }],
    createdAt: '2024-07-16T16:07:46.000Z',
    safetensors: { parameters: m.parameters, total },
    usedStorage: total * 2,
  };
}

/**
 * A Hub mirror for the simulated models under /hf (HF_URL=<simulator>/hf), so the LiteLLM
 * exporter's metadata lookups work in the demo without internet. Unknown ids: 404, as the Hub.
 */
export function hubRoutes(router: Router): void {
  router.get('/hf/api/models/:org/:name', (ctx) => {
    const body = hubModel(`${ctx.params['org']}/${ctx.params['name']}`);
    ctx.status = body ? 200 : 404;
    ctx.body = body ?? { error: 'Repository not found' };
  });
}
