/** What both panel plugins share at run time; esbuild bundles it into each module.js. */
import { LoadingState, type FieldConfigSource, type PanelData } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';

/**
 * Grafana's view for data a panel cannot draw, saying why: the query's error, no data at
 * all, or data that is there but not what the panel reads (`unusable`).
 */
export function UnusableData(props: {
  panelId: number;
  data: PanelData;
  fieldConfig: FieldConfigSource;
  unusable: string;
}) {
  const { data } = props;
  const message =
    data.state === LoadingState.Error
      ? (data.errors?.[0]?.message ?? data.error?.message ?? 'the query failed')
      : data.series.length
        ? props.unusable
        : 'no data';
  return (
    <PanelDataErrorView
      panelId={props.panelId}
      data={data}
      fieldConfig={props.fieldConfig}
      needsNumberField
      message={message}
    />
  );
}
