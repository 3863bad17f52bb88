import { PanelPlugin } from '@grafana/data';
import { TokenRatePanel } from './components/TokenRatePanel';
import type { TokenRateOptions } from './types';

export const plugin = new PanelPlugin<TokenRateOptions>(TokenRatePanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'layout',
      name: 'Input and output',
      defaultValue: 'stacked',
      settings: {
        options: [
          { value: 'stacked', label: 'Stacked' },
          { value: 'grouped', label: 'Side by side' },
        ],
      },
    })
    .addNumberInput({
      path: 'capacity',
      name: 'Capacity (tokens/s)',
      description: 'What the server sustains, drawn as a line; 0 draws none.',
      defaultValue: 0,
      settings: { min: 0 },
    })
    .addSelect({
      path: 'sortBy',
      name: 'Sort by',
      defaultValue: 'total',
      settings: {
        options: [
          { value: 'total', label: 'Total' },
          { value: 'input', label: 'Input' },
          { value: 'output', label: 'Output' },
          { value: 'model', label: 'Model' },
        ],
      },
    })
    .addBooleanSwitch({ path: 'sortDesc', name: 'Largest first', defaultValue: true })
    .addTextInput({
      path: 'modelLabel',
      name: 'Model label',
      description: 'The label naming the model: model_group (LiteLLM) or model (vLLM).',
      defaultValue: 'model_group',
    }),
);
