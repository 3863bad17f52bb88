import {
  type DashboardSpec,
  drillDownFromRow,
  FILTERS,
  linkTo,
  promql,
  statPanel,
  tablePanel,
  UIDS,
  UNIT,
  VARIABLES,
} from '../../blocks';

export const modelCatalog: DashboardSpec = {
  uid: UIDS.modelCatalog,
  title: 'Model catalog',
  description:
    'Every model the server offers: type, endpoint, size, quantization, Hugging Face id, and whether it is up.',
  folder: 'llm',
  file: 'model-catalog.json',
  from: 'now-1h',
  refresh: '1m',
  variables: [VARIABLES.modelGroup()],
  links: [linkTo(UIDS.litellmStatus, 'LiteLLM status'), linkTo(UIDS.vllmStatus, 'vLLM status')],
  panels: [
    statPanel({
      title: 'Models',
      description: 'Model groups LiteLLM offers.',
      unit: UNIT.count,
      w: 6,
      queries: [
        promql(`count(count by (model_group) (llmmon_litellm_model_info{${FILTERS.modelGroup}}))`, 'models', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Models healthy',
      description: 'Model groups with at least one healthy deployment.',
      unit: UNIT.count,
      w: 6,
      queries: [
        promql(
          `count(max by (model_group) (llmmon_litellm_deployment_healthy{${FILTERS.modelGroup}}) == 1) or vector(0)`,
          'healthy',
          {
            instant: true,
          },
        ),
      ],
    }),
    statPanel({
      title: 'Parameters served',
      description: 'Parameters of all selected models together (from their Hugging Face metadata).',
      unit: UNIT.count,
      w: 6,
      queries: [
        promql(`sum(llmmon_litellm_model_parameters{${FILTERS.modelGroup}})`, 'parameters', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'vLLM instances',
      description: 'vLLM instances the exporter knows, and how many answer.',
      unit: UNIT.count,
      w: 6,
      queries: [promql('sum(llmmon_vllm_instance_state{state="ready"})', 'answering', { instant: true })],
    }),
    tablePanel({
      title: 'Catalog',
      description:
        'One row per deployment: what it is, where it runs, its Hugging Face id, size, precision and health. Click a row for its traffic.',
      unit: UNIT.count,
      h: 12,
      merge: true,
      queries: [
        promql(`llmmon_litellm_model_info{${FILTERS.modelGroup}}`, '', { instant: true, table: true }),
        promql(`llmmon_litellm_model_metadata_info{${FILTERS.modelGroup}}`, '', {
          instant: true,
          table: true,
        }),
        promql(`llmmon_litellm_model_parameters{${FILTERS.modelGroup}}`, '', { instant: true, table: true }),
        promql(`llmmon_litellm_model_context_tokens{${FILTERS.modelGroup}}`, '', {
          instant: true,
          table: true,
        }),
        promql(
          `max by (model_group, model_id) (llmmon_litellm_deployment_healthy{${FILTERS.modelGroup}})`,
          '',
          {
            instant: true,
            table: true,
          },
        ),
      ],
      hide: ['Value #A', 'Value #B', 'model_id'],
      rename: {
        model_group: 'model',
        model: 'served as',
        hf_model: 'Hugging Face id',
        'Value #C': 'parameters',
        'Value #D': 'context (tokens)',
        'Value #E': 'health',
      },
      sortBy: 'model',
      dataLinks: [drillDownFromRow(UIDS.litellmStatus, 'Traffic of this model', 'model', 'model')],
    }),
    tablePanel({
      title: 'vLLM instances',
      description: 'The vLLM container serving each model, its version and GPUs.',
      unit: UNIT.count,
      queries: [promql('llmmon_vllm_model_info', '', { instant: true, table: true })],
      hide: ['Value', 'mock'],
      rename: { vllm_version: 'vLLM', max_model_len: 'context' },
      sortBy: 'container',
      dataLinks: [drillDownFromRow(UIDS.vllmStatus, 'vLLM status', 'container', 'container')],
    }),
  ],
};
