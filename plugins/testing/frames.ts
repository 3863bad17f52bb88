/** DataFrames as Grafana's Prometheus datasource builds them (one per series, labels on the value field), and PanelProps around them. */
import {
  EventBusSrv,
  FieldType,
  LoadingState,
  getDefaultTimeRange,
  toDataFrame,
  type DataFrame,
  type FieldConfigSource,
  type PanelData,
  type PanelProps,
} from '@grafana/data';

export const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

export function series(
  refId: string,
  labels: Record<string, string>,
  values: Array<number | null>,
  stepMs = 15_000,
): DataFrame {
  return toDataFrame({
    refId,
    name: Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', '),
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => T0 + i * stepMs), config: {} },
      { name: 'Value', type: FieldType.number, values, labels, config: {} },
    ],
  });
}

export function panelData(frames: DataFrame[], state = LoadingState.Done): PanelData {
  return { state, series: frames, timeRange: getDefaultTimeRange() };
}

/** PanelProps as Grafana hands them to a panel, around the given data, options and size. */
export function panelProps<T>(p: {
  data: PanelData;
  options: T;
  fieldConfig: FieldConfigSource;
  width: number;
  height: number;
}): PanelProps<T> {
  return {
    id: 1,
    timeRange: getDefaultTimeRange(),
    timeZone: 'utc',
    transparent: false,
    renderCounter: 1,
    title: 'panel',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    onChangeTimeRange: () => undefined,
    replaceVariables: (s: string) => s,
    ...p,
  } as PanelProps<T>;
}
