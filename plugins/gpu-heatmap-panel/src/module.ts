import { PanelPlugin } from '@grafana/data';
import { GpuHeatmapPanel } from './components/GpuHeatmapPanel';
import type { GpuHeatmapOptions } from './types';

export const plugin = new PanelPlugin<GpuHeatmapOptions>(GpuHeatmapPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'metric',
      name: 'Colour by',
      defaultValue: 'utilization',
      settings: {
        options: [
          { value: 'utilization', label: 'Utilization' },
          { value: 'memory', label: 'Memory used' },
          { value: 'temperature', label: 'Temperature' },
          { value: 'power', label: 'Power' },
        ],
      },
    })
    .addRadio({
      path: 'mode',
      name: 'Show',
      defaultValue: 'grid',
      settings: {
        options: [
          { value: 'grid', label: 'Grid (now)' },
          { value: 'history', label: 'History (GPUs × time)' },
        ],
      },
    })
    .addTextInput({
      path: 'link',
      name: 'Link',
      description: 'Where a click on a GPU goes; ${gpu} and ${container} are replaced.',
      defaultValue: '/d/llmmon-docker-containers?var-container=${container}',
    }),
);
