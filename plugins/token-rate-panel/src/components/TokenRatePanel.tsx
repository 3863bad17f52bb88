/**
 * Tokens per second per model: input and output as bars (stacked or side by side) on one
 * scale with the server's capacity, a total, and a table of rates and shares that sorts by
 * any column. Models that stopped reporting stay listed, greyed, at zero.
 */
import { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import {
  LoadingState,
  formattedValueToString,
  getValueFormat,
  type GrafanaTheme2,
  type PanelProps,
} from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { UnusableData } from '@llmmon/panel-common';
import type { TokenRateOptions, TokenSortKey } from '../types';
import { formatTokens, ratesFromFrames, sortRates } from '../utils/rates';

const COLUMNS: Array<[TokenSortKey | 'share', string]> = [
  ['model', 'Model'],
  ['input', 'Input'],
  ['output', 'Output'],
  ['total', 'Total'],
  ['share', 'Share'],
];

export function TokenRatePanel({
  id,
  data,
  options,
  fieldConfig,
  width,
  height,
}: PanelProps<TokenRateOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const [sort, setSort] = useState<{ by: TokenSortKey; desc: boolean }>({
    by: options.sortBy,
    desc: options.sortDesc,
  });
  const rates = useMemo(
    () => ratesFromFrames(data.series, options.modelLabel),
    [data.series, options.modelLabel],
  );

  if (data.state === LoadingState.Error || rates.length === 0) {
    return (
      <UnusableData
        panelId={id}
        data={data}
        fieldConfig={fieldConfig}
        unusable="no input (query A) or output (query B) series"
      />
    );
  }

  const unit = fieldConfig.defaults.unit;
  const format =
    !unit || /tok/.test(unit) || unit === 'short' || unit === 'none'
      ? formatTokens
      : (v: number) => formattedValueToString(getValueFormat(unit)(v, 1));
  const sorted = sortRates(rates, sort.by, sort.desc);
  const total = rates.reduce((a, r) => ({ input: a.input + r.input, output: a.output + r.output }), {
    input: 0,
    output: 0,
  });
  const all = total.input + total.output;
  const scale = Math.max(options.capacity || 0, all, 1e-9);
  const colors = {
    input: theme.visualization.getColorByName('blue'),
    output: theme.visualization.getColorByName('orange'),
  };

  const labelWidth = Math.min(220, Math.max(100, width * 0.28));
  const valueWidth = 90;
  const barWidth = Math.max(40, width - labelWidth - valueWidth - 16);
  const rowHeight = 22;
  const rows = [
    { model: 'All models', input: total.input, output: total.output, total: all, active: true, share: 1 },
    ...sorted,
  ];
  const chartHeight = rows.length * rowHeight + 8;
  const x = (v: number) => (v / scale) * barWidth;
  const onSort = (by: TokenSortKey | 'share') => {
    const key = by === 'share' ? 'total' : by;
    setSort((s) => ({ by: key, desc: s.by === key ? !s.desc : key !== 'model' }));
  };

  return (
    <div className={styles.wrap} style={{ height }}>
      <svg
        width={width}
        height={chartHeight}
        role="img"
        aria-label={`Tokens per second: ${format(all)} in all`}
        data-testid="token-chart"
      >
        {rows.map((r, i) => {
          const y = i * rowHeight + 4;
          const grouped = options.layout === 'grouped';
          const h = rowHeight - 6;
          return (
            <g
              key={r.model}
              data-testid={i === 0 ? 'token-total' : `token-row-${r.model}`}
              opacity={r.active ? 1 : 0.4}
            >
              <text
                x={0}
                y={y + h - 3}
                fontSize={12}
                fill={theme.colors.text.primary}
                fontWeight={i === 0 ? 600 : 400}
              >
                {r.model}
                {r.active ? '' : ' (stopped)'}
              </text>
              {grouped ? (
                <>
                  <rect
                    x={labelWidth}
                    y={y}
                    width={x(r.input)}
                    height={h / 2}
                    fill={colors.input}
                    data-direction="input"
                  />
                  <rect
                    x={labelWidth}
                    y={y + h / 2}
                    width={x(r.output)}
                    height={h / 2}
                    fill={colors.output}
                    data-direction="output"
                  />
                </>
              ) : (
                <>
                  <rect
                    x={labelWidth}
                    y={y}
                    width={x(r.input)}
                    height={h}
                    fill={colors.input}
                    data-direction="input"
                  />
                  <rect
                    x={labelWidth + x(r.input)}
                    y={y}
                    width={x(r.output)}
                    height={h}
                    fill={colors.output}
                    data-direction="output"
                  />
                </>
              )}
              <text
                x={labelWidth + barWidth + 8}
                y={y + h - 3}
                fontSize={12}
                fill={theme.colors.text.secondary}
              >
                {format(r.total)}
              </text>
              <title>{`${r.model}: input ${format(r.input)}, output ${format(r.output)}`}</title>
            </g>
          );
        })}
        {options.capacity > 0 && (
          <g data-testid="token-capacity">
            <line
              x1={labelWidth + x(options.capacity)}
              x2={labelWidth + x(options.capacity)}
              y1={0}
              y2={chartHeight}
              stroke={theme.colors.error.main}
              strokeDasharray="4 3"
            />
            <title>{`capacity ${format(options.capacity)}`}</title>
          </g>
        )}
      </svg>
      <table className={styles.table}>
        <thead>
          <tr>
            {COLUMNS.map(([key, label]) => {
              const active = sort.by === (key === 'share' ? 'total' : key);
              return (
                <th key={key} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className={styles.sort} onClick={() => onSort(key)}>
                    {label}
                    {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr
              key={r.model}
              data-testid="token-legend-row"
              className={r.active ? undefined : styles.stopped}
            >
              <td>
                <span className={styles.swatch} style={{ background: colors.input }} />
                <span className={styles.swatch} style={{ background: colors.output }} />
                {r.model}
              </td>
              <td>{format(r.input)}</td>
              <td>{format(r.output)}</td>
              <td>{format(r.total)}</td>
              <td>{(r.share * 100).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
      {options.capacity > 0 && (
        <div className={styles.note}>
          {format(all)} of {format(options.capacity)} capacity ({((all / options.capacity) * 100).toFixed(0)}
          %)
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ overflowY: 'auto', display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': {
      textAlign: 'right',
      padding: theme.spacing(0.25, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
    'th:first-child, td:first-child': { textAlign: 'left' },
  }),
  sort: css({
    all: 'unset',
    cursor: 'pointer',
    fontWeight: theme.typography.fontWeightMedium,
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  swatch: css({ display: 'inline-block', width: 8, height: 8, marginRight: 2, borderRadius: 2 }),
  stopped: css({ color: theme.colors.text.disabled }),
  note: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary }),
});
