/**
 * Every GPU at a glance: a grid of cells coloured by the chosen metric's thresholds (index,
 * value with unit, memory bar, the containers on it), or GPUs × time on a continuous colour
 * scale. Thresholds, min and max come from the panel's field config; tooltips on hover and
 * focus; a cell links to the container's dashboard. GPUs of several hosts (a fleet's centre)
 * are grouped by host: a row of compact cells each, up to hundreds of GPUs.
 */
import { useMemo, useState } from 'react';
import { css, cx } from '@emotion/css';
import {
  FieldConfigSource,
  GrafanaTheme2,
  LoadingState,
  dateTimeFormat,
  formattedValueToString,
  getActiveThreshold,
  getValueFormat,
  type PanelProps,
  type Threshold,
} from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { UnusableData } from '@llmmon/panel-common';
import type { GpuHeatmapOptions, GpuMetric, GpuState } from '../types';
import { gpuLink, gpusFromFrames, gridShape, groupByHost, isFailing, metricValue } from '../utils/gpus';
import { scaleColor, scaleStops } from '../utils/palette';

/** Each metric's unit and thresholds when the field config leaves them at Grafana's defaults. */
export const METRIC_DEFAULTS: Record<
  GpuMetric,
  { label: string; unit: string; steps: Threshold[]; range: [number, number] }
> = {
  utilization: { label: 'utilization', unit: 'percentunit', steps: steps(0.8, 0.95), range: [0, 1] },
  memory: { label: 'memory used', unit: 'percentunit', steps: steps(0.8, 0.95), range: [0, 1] },
  temperature: { label: 'temperature', unit: 'celsius', steps: steps(75, 85), range: [20, 95] },
  power: { label: 'power', unit: 'watt', steps: steps(550, 650), range: [0, 700] },
};

function steps(warning: number, critical: number): Threshold[] {
  return [
    { value: -Infinity, color: 'green' },
    { value: warning, color: 'orange' },
    { value: critical, color: 'red' },
  ];
}

/** Grafana's untouched default (green, red at 80) means "not set": the metric's own apply. */
function isGrafanaDefault(s: Threshold[] | undefined): boolean {
  return !s || s.length === 0 || (s.length === 2 && s[1]!.value === 80 && s[1]!.color === 'red');
}

export function resolveDisplay(metric: GpuMetric, fieldConfig: FieldConfigSource) {
  const d = METRIC_DEFAULTS[metric];
  const configured = fieldConfig.defaults.thresholds?.steps;
  return {
    label: d.label,
    unit: fieldConfig.defaults.unit || d.unit,
    steps: isGrafanaDefault(configured) ? d.steps : configured!,
    /** The history view's colour scale: the field config's min and max, else the metric's. */
    range: [fieldConfig.defaults.min ?? d.range[0], fieldConfig.defaults.max ?? d.range[1]] as [
      number,
      number,
    ],
  };
}

const bytes = getValueFormat('bytes');
const show = (unit: string, v: number | undefined) =>
  v === undefined
    ? 'no data'
    : formattedValueToString(getValueFormat(unit)(v, unit === 'percentunit' ? 0 : 1));

export function GpuHeatmapPanel({
  id,
  data,
  options,
  fieldConfig,
  width,
  height,
  timeZone,
}: PanelProps<GpuHeatmapOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const gpus = useMemo(() => gpusFromFrames(data.series, options.metric), [data.series, options.metric]);
  const display = resolveDisplay(options.metric, fieldConfig);
  const [hovered, setHovered] = useState<string | undefined>();

  if (data.state === LoadingState.Error || gpus.length === 0) {
    return (
      <UnusableData
        panelId={id}
        data={data}
        fieldConfig={fieldConfig}
        unusable="no series with a gpu label (query llmmon_gpu_* metrics)"
      />
    );
  }
  const colorOf = (v: number | undefined) =>
    v === undefined
      ? theme.colors.background.secondary
      : theme.visualization.getColorByName(getActiveThreshold(v, display.steps).color);

  if (options.mode === 'history')
    return (
      <History
        gpus={gpus}
        width={width}
        height={height}
        unit={display.unit}
        range={display.range}
        failedColor={theme.visualization.getColorByName('red')}
        timeZone={timeZone}
      />
    );

  const groups = groupByHost(gpus);
  const fleet = groups.length > 1;
  /** One GPU's cell; compact (index and value) in the fleet layout. */
  const cell = (g: GpuState, cellHeight: number) => {
    // A failing GPU is out of service: red, its state in place of a reading, never "idle".
    const failing = isFailing(g);
    const value = failing ? undefined : metricValue(g, options.metric);
    const background = failing ? theme.visualization.getColorByName('red') : colorOf(value);
    const link = gpuLink(options.link, g);
    const label = describe(g, display.label, display.unit, value);
    const content = (
      <>
        <div className={styles.head}>
          <span className={styles.index}>GPU {g.index}</span>
          <span className={fleet ? styles.index : styles.value}>
            {failing ? 'FAILED' : showValue(g, display.unit, value)}
          </span>
        </div>
        {!fleet && <MemoryBar g={g} />}
        {!fleet && (
          <div className={styles.containers}>
            {failing ? stateText(g.health!) : g.containers.map((c) => c.name).join(', ') || 'idle'}
          </div>
        )}
        {hovered === g.key && <Tooltip g={g} />}
      </>
    );
    const common = {
      'aria-label': label,
      'data-testid': `gpu-cell-${fleet ? `${g.host ?? ''}-${g.index}` : g.index}`,
      'data-value': value ?? '',
      'data-health': g.health ?? '',
      className: cx(styles.cell, link && styles.link),
      style: { background, height: cellHeight, color: theme.colors.getContrastText(background) },
      onMouseEnter: () => setHovered(g.key),
      onMouseLeave: () => setHovered(undefined),
      onFocus: () => setHovered(g.key),
      onBlur: () => setHovered(undefined),
    };
    return link ? (
      <a key={g.key} {...common} href={link}>
        {content}
      </a>
    ) : (
      <div key={g.key} {...common} tabIndex={0} role="group">
        {content}
      </div>
    );
  };

  if (fleet) {
    // One row per host, its GPUs side by side: 32 hosts of 8 GPUs scroll, each row readable.
    const most = Math.max(...groups.map((grp) => grp.gpus.length));
    return (
      <div className={styles.fleet} style={{ height }} data-testid="gpu-fleet">
        {groups.map((grp) => (
          <div
            key={grp.host ?? ''}
            className={styles.hostRow}
            style={{ gridTemplateColumns: `minmax(96px, 160px) repeat(${most}, minmax(48px, 1fr))` }}
            role="group"
            aria-label={`${grp.host ?? 'no host'}: ${grp.gpus.length} GPUs`}
            data-testid={`gpu-host-${grp.host ?? ''}`}
          >
            <span className={styles.hostName} title={grp.host}>
              {grp.host ?? 'no host'}
            </span>
            {grp.gpus.map((g) => cell(g, 34))}
          </div>
        ))}
      </div>
    );
  }

  const { columns, rows } = gridShape(gpus.length, width, height);
  // 8 GPUs fit any panel; 64 keep a readable minimum size and scroll.
  const cellHeight = Math.max(64, Math.floor(height / rows) - 6);
  return (
    <div
      className={styles.grid}
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(96px, 1fr))`, height }}
      data-testid="gpu-grid"
    >
      {gpus.map((g) => cell(g, cellHeight))}
    </div>
  );
}

const stateText = (state: string) => state.replaceAll('_', ' ');

/** A MIG-enabled GPU has no utilization of its own (NVML gives none): "MIG", not "no data". */
const showValue = (g: GpuState, unit: string, value: number | undefined) =>
  value === undefined && g.mig ? 'MIG' : show(unit, value);

/** "GPU 3", or "GPU 3 on gpu-node-02" where the data names hosts. */
const gpuName = (g: GpuState) => `GPU ${g.index}${g.host ? ` on ${g.host}` : ''}`;

function describe(g: GpuState, label: string, unit: string, value: number | undefined): string {
  if (isFailing(g)) return `${gpuName(g)}: failed, ${stateText(g.health!)}`;
  const memory =
    g.memoryUsed !== undefined && g.memoryTotal !== undefined
      ? `, memory ${formattedValueToString(bytes(g.memoryUsed, 0))} of ${formattedValueToString(bytes(g.memoryTotal, 0))}`
      : '';
  const containers = g.containers.length
    ? `, containers ${g.containers.map((c) => c.name).join(', ')}`
    : ', no containers';
  const health = g.health && g.health !== 'ok' ? `, ${stateText(g.health)}` : '';
  const mig = g.mig ? ', MIG mode' : '';
  return `${gpuName(g)}: ${label} ${showValue(g, unit, value)}${memory}${containers}${health}${mig}`;
}

function MemoryBar({ g }: { g: GpuState }) {
  const styles = useStyles2(getStyles);
  if (g.memoryRatio === undefined) return null;
  const ratio = Math.min(1, Math.max(0, g.memoryRatio));
  return (
    <div
      className={styles.bar}
      role="meter"
      aria-label="memory used"
      aria-valuemin={0}
      aria-valuemax={1}
      aria-valuenow={ratio}
    >
      <div className={styles.barFill} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
    </div>
  );
}

function Tooltip({ g }: { g: GpuState }) {
  const styles = useStyles2(getStyles);
  const rows: Array<[string, string]> = [
    ['utilization', show('percentunit', g.utilization)],
    [
      'memory',
      g.memoryUsed !== undefined
        ? `${show('bytes', g.memoryUsed)} of ${show('bytes', g.memoryTotal)}`
        : show('percentunit', g.memoryRatio),
    ],
    ['temperature', show('celsius', g.temperature)],
    ['power', show('watt', g.power)],
    ...(g.health ? [['health', stateText(g.health)] as [string, string]] : []),
  ];
  return (
    <div className={styles.tooltip} role="tooltip" data-testid="gpu-tooltip">
      <strong>
        {gpuName(g)}
        {g.name ? ` · ${g.name}` : ''}
      </strong>
      {rows.map(([k, v]) => (
        <div key={k}>
          {k}: {v}
        </div>
      ))}
      {g.containers.map((c) => (
        <div key={c.name}>
          {c.name}: {show('bytes', c.bytes)}
        </div>
      ))}
    </div>
  );
}

/**
 * GPUs × time: one row per GPU, one column per sample, coloured on a continuous scale (the
 * thresholds are the grid's); a failing GPU's samples and gaps in red, its label marked; a time
 * axis below and the scale's legend.
 */
function History(props: {
  gpus: GpuState[];
  width: number;
  height: number;
  unit: string;
  range: [number, number];
  failedColor: string;
  timeZone: string;
}) {
  const { gpus, width, height, unit, range, failedColor, timeZone } = props;
  const axisHeight = 34;
  const hosts = new Set(gpus.map((g) => g.host)).size > 1;
  const labelWidth = hosts ? 150 : 72;
  // Hundreds of GPUs: thin rows, each host's name at its first.
  const rowHeight = Math.max(hosts ? 3 : 8, Math.floor((height - axisHeight) / gpus.length));
  const labelled = (g: GpuState, r: number) => !hosts || rowHeight >= 11 || gpus[r - 1]?.host !== g.host;
  const times = [
    ...new Set(gpus.flatMap((g) => [...g.history.map(([t]) => t), ...g.failedAt.map(([t]) => t)])),
  ].sort((a, b) => a - b);
  const plotWidth = width - labelWidth;
  const cellWidth = times.length ? plotWidth / times.length : 0;
  const column = new Map(times.map((t, i) => [t, i]));
  const top = rowHeight * gpus.length;
  const span = times.length ? times[times.length - 1]! - times[0]! : 0;
  const format =
    span > 3 * 86_400_000
      ? 'MM-DD'
      : span > 12 * 3_600_000
        ? 'MM-DD HH:mm'
        : span > 30 * 60_000
          ? 'HH:mm'
          : 'HH:mm:ss';
  const ticks =
    times.length > 1
      ? [...new Set([0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * (times.length - 1))))]
      : [];
  const stops = scaleStops();
  return (
    <svg
      width={width}
      height={top + axisHeight}
      role="img"
      aria-label="GPUs over time"
      data-testid="gpu-history"
    >
      <defs>
        <linearGradient id="gpu-history-scale">
          {stops.map((c, i) => (
            <stop key={i} offset={`${(100 * i) / (stops.length - 1)}%`} stopColor={c} />
          ))}
        </linearGradient>
      </defs>
      {gpus.map((g, r) => {
        const failing = isFailing(g) || g.failedAt.length > 0;
        const readings = new Set(g.history.map(([t]) => t));
        return (
          <g
            key={g.key}
            aria-label={`${gpuName(g)}${failing ? ' (failed)' : ''}`}
            data-testid={`gpu-row-${hosts ? `${g.host ?? ''}-${g.index}` : g.index}`}
          >
            {labelled(g, r) && (
              <text
                x={0}
                y={r * rowHeight + Math.max(rowHeight, 11) / 2 + 4}
                fontSize={11}
                fill={failing ? failedColor : 'currentColor'}
                fontWeight={failing ? 'bold' : undefined}
              >
                {hosts && rowHeight < 11 ? g.host : hosts ? `${g.host ?? ''} · ${g.index}` : `GPU ${g.index}`}
                {failing ? ' ✕' : ''}
              </text>
            )}
            {g.history.map(([t, v]) => (
              <rect
                key={t}
                x={labelWidth + column.get(t)! * cellWidth}
                y={r * rowHeight + 1}
                width={Math.max(1, cellWidth)}
                height={rowHeight - 2}
                fill={scaleColor(v, range[0], range[1])}
                data-value={v}
              >
                <title>{`${gpuName(g)} ${dateTimeFormat(t, { format: 'YYYY-MM-DD HH:mm', timeZone })}: ${show(unit, v)}`}</title>
              </rect>
            ))}
            {g.failedAt
              .filter(([t]) => !readings.has(t))
              .map(([t, state]) => (
                <rect
                  key={`failed-${t}`}
                  x={labelWidth + column.get(t)! * cellWidth}
                  y={r * rowHeight + 1}
                  width={Math.max(1, cellWidth)}
                  height={rowHeight - 2}
                  fill={failedColor}
                  data-failed={state}
                >
                  <title>{`${gpuName(g)} ${dateTimeFormat(t, { format: 'YYYY-MM-DD HH:mm', timeZone })}: failed, ${stateText(state)}`}</title>
                </rect>
              ))}
            {g.failedAt.length === 0 && isFailing(g) && (
              <title>{`${gpuName(g)}: failed, ${stateText(g.health!)}`}</title>
            )}
          </g>
        );
      })}
      <g data-testid="gpu-history-axis" fontSize={10} fill="currentColor">
        {ticks.map((i) => (
          <text
            key={i}
            x={labelWidth + (i + 0.5) * cellWidth}
            y={top + 12}
            textAnchor={i === 0 ? 'start' : i === times.length - 1 ? 'end' : 'middle'}
          >
            {dateTimeFormat(times[i]!, { format, timeZone })}
          </text>
        ))}
      </g>
      <g data-testid="gpu-history-legend" fontSize={10} fill="currentColor">
        <text x={labelWidth} y={top + 29}>
          {show(unit, range[0])}
        </text>
        <rect x={labelWidth + 40} y={top + 21} width={120} height={9} fill="url(#gpu-history-scale)" />
        <text x={labelWidth + 166} y={top + 29}>
          {show(unit, range[1])}
        </text>
        <rect x={labelWidth + 220} y={top + 21} width={9} height={9} fill={failedColor} />
        <text x={labelWidth + 234} y={top + 29}>
          failed
        </text>
      </g>
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({ display: 'grid', gap: 6, overflowY: 'auto', alignContent: 'start' }),
  fleet: css({ display: 'flex', flexDirection: 'column', gap: 4, overflowY: 'auto' }),
  hostRow: css({ display: 'grid', gap: 4, alignItems: 'center' }),
  hostName: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  cell: css({
    position: 'relative',
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.75, 1),
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'space-between',
    overflow: 'visible',
    outline: 'none',
    '&:focus-visible': { boxShadow: `0 0 0 2px ${theme.colors.primary.main}` },
  }),
  link: css({ textDecoration: 'none', cursor: 'pointer' }),
  head: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 4 }),
  index: css({
    fontWeight: theme.typography.fontWeightMedium,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  value: css({ fontSize: theme.typography.h4.fontSize, fontWeight: theme.typography.fontWeightBold }),
  bar: css({ height: 6, borderRadius: 3, background: 'rgba(0,0,0,0.25)', overflow: 'hidden' }),
  barFill: css({ height: '100%', background: 'rgba(255,255,255,0.85)' }),
  containers: css({
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  tooltip: css({
    position: 'absolute',
    top: '100%',
    left: 0,
    zIndex: 10,
    marginTop: 4,
    minWidth: 200,
    padding: theme.spacing(1),
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z3,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
