// The browser side of the panel harness: what Grafana does to load and draw a panel plugin,
// without Grafana. It hands the real react and @grafana packages to the plugin's AMD
// module.js (as Grafana's SystemJS does), then renders `plugin.panel` with PanelProps.
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as data from '@grafana/data';
import * as ui from '@grafana/ui';
import * as runtime from '@grafana/runtime';
import * as emotionCss from '@emotion/css';

const shared = {
  react: React,
  'react-dom': ReactDOM,
  'react/jsx-runtime': jsxRuntime,
  '@grafana/data': data,
  '@grafana/ui': ui,
  '@grafana/runtime': runtime,
  '@emotion/css': emotionCss,
};

window.define = (deps, factory) => {
  const missing = deps.filter((d) => !(d in shared));
  if (missing.length)
    throw new Error(`module.js wants modules Grafana does not share here: ${missing.join(', ')}`);
  window.__pluginExports = factory(...deps.map((d) => shared[d]));
};
window.define.amd = true;

let root;

/** frames: [{ refId, name, times: number[], values: number[], labels }] as the Prometheus datasource makes them. */
window.renderPanel = ({ frames, options, fieldConfig, theme, width, height }) => {
  const plugin = window.__pluginExports.plugin;
  const series = frames.map((f) =>
    data.toDataFrame({
      refId: f.refId,
      name: f.name,
      fields: [
        { name: 'Time', type: data.FieldType.time, values: f.times, config: {} },
        { name: 'Value', type: data.FieldType.number, values: f.values, labels: f.labels, config: {} },
      ],
    }),
  );
  const grafanaTheme = data.createTheme({ colors: { mode: theme } });
  const timeRange = data.getDefaultTimeRange();
  const container = document.getElementById('panel');
  container.style.width = `${width}px`;
  container.style.height = `${height}px`;
  document.body.style.background = grafanaTheme.colors.background.canvas;
  container.style.background = grafanaTheme.colors.background.primary;
  container.style.color = grafanaTheme.colors.text.primary;
  container.style.fontFamily = grafanaTheme.typography.fontFamily;
  const props = {
    id: 1,
    data: { state: data.LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    fieldConfig: fieldConfig ?? { defaults: {}, overrides: [] },
    width,
    height,
    transparent: false,
    renderCounter: 1,
    title: 'panel',
    eventBus: new data.EventBusSrv(),
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    onChangeTimeRange: () => undefined,
    replaceVariables: (s) => s,
  };
  root ??= createRoot(container);
  root.render(
    React.createElement(
      ui.ThemeContext.Provider,
      { value: grafanaTheme },
      React.createElement(plugin.panel, props),
    ),
  );
};
