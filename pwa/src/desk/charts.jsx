// Hand-written SVG charts for the desk: horizontal bars (a count per category or zone) and columns per month,
// stacked (answered on time, late, not decided). Labelled axes, an accessible name and description, no library.
// The same numbers always go in a table beside the chart (the screen's job).
import { niceMax, ticks } from './scale.js';

export function BarChart({ id, title, description, rows, axisLabel, format = String }) {
  // rows: [{label, value}]
  const barHeight = 26;
  const gap = 8;
  const labelWidth = 240;
  const width = 700;
  const plot = width - labelWidth - 60;
  const top = niceMax(Math.max(0, ...rows.map((r) => r.value)));
  const height = rows.length * (barHeight + gap) + 50;
  const x = (value) => labelWidth + (value / top) * plot;
  const short = (text) => (text.length > 30 ? text.slice(0, 29) + '…' : text);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`}
         preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {ticks(top).map((value) => (
        <g aria-hidden="true">
          <line x1={x(value)} x2={x(value)} y1={0} y2={rows.length * (barHeight + gap)} class="chart-grid" />
          <text x={x(value)} y={rows.length * (barHeight + gap) + 16} text-anchor="middle" class="chart-tick">{format(value)}</text>
        </g>
      ))}
      {rows.map((row, i) => {
        const y = i * (barHeight + gap);
        return (
          <g aria-hidden="true">
            <text x={labelWidth - 8} y={y + barHeight * 0.68} text-anchor="end" class="chart-label">{short(row.label)}</text>
            <rect x={labelWidth} y={y} width={Math.max(0, x(row.value) - labelWidth)} height={barHeight} class="chart-bar" />
            <text x={x(row.value) + 6} y={y + barHeight * 0.68} class="chart-value">{format(row.value)}</text>
          </g>
        );
      })}
      <text x={labelWidth + plot / 2} y={height - 6} text-anchor="middle" class="chart-axis" aria-hidden="true">{axisLabel}</text>
    </svg>
  );
}

export function StackedColumns({ id, title, description, columns, series, axisLabel, xLabel }) {
  // columns: [{label, values: {key: n}}]; series: [{key, label, className}]
  const width = 640;
  const height = 300;
  const left = 56;
  const bottom = 64;
  const plotH = height - bottom - 16;
  const plotW = width - left - 12;
  const totals = columns.map((c) => series.reduce((sum, s) => sum + (c.values[s.key] || 0), 0));
  const top = niceMax(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, columns.length);
  const barW = Math.min(48, slot * 0.7);
  const y = (value) => 16 + plotH - (value / top) * plotH;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`}
         preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{description}</desc>
      {ticks(top).map((value) => (
        <g aria-hidden="true">
          <line x1={left} x2={width - 12} y1={y(value)} y2={y(value)} class="chart-grid" />
          <text x={left - 6} y={y(value) + 4} text-anchor="end" class="chart-tick">{value}</text>
        </g>
      ))}
      {columns.map((column, i) => {
        let base = 0;
        const cx = left + slot * i + slot / 2;
        return (
          <g aria-hidden="true">
            {series.map((s) => {
              const value = column.values[s.key] || 0;
              const rect = <rect x={cx - barW / 2} y={y(base + value)} width={barW} height={y(base) - y(base + value)} class={s.className} />;
              base += value;
              return rect;
            })}
            <text x={cx} y={y(base) - 4} text-anchor="middle" class="chart-value">{totals[i]}</text>
            <text x={cx} y={16 + plotH + 16} text-anchor="middle" class="chart-tick">{column.label}</text>
          </g>
        );
      })}
      <text x={left + plotW / 2} y={height - 26} text-anchor="middle" class="chart-axis" aria-hidden="true">{xLabel}</text>
      <text transform={`translate(14 ${16 + plotH / 2}) rotate(-90)`} text-anchor="middle" class="chart-axis" aria-hidden="true">{axisLabel}</text>
      <g aria-hidden="true">
        {series.map((s, i) => (
          <g transform={`translate(${left + i * 190} ${height - 12})`}>
            <rect x={0} y={-10} width={12} height={12} class={s.className} />
            <text x={18} y={0} class="chart-legend">{s.label}</text>
          </g>
        ))}
      </g>
    </svg>
  );
}
