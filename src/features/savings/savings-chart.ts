import { formatPounds, formatWholePounds } from '../../core/format.ts'
import { CHART_FONT, niceAxis } from '../../web/charts/axis.ts'
import { escapeXml } from '../../web/charts/spc-icons.ts'

export interface ChartMonth {
  readonly label: string
  readonly planned: number
  readonly actual: number | null
  readonly forecast: number | null
}

/**
 * Cumulative savings through a year: the profile as a dashed line, delivered as a solid line
 * with points, forecast as a dotted line on from the last actual. The page shows the same
 * figures in a table; the SVG carries a title and description for screen readers.
 */
export function renderProfileChart(title: string, months: readonly ChartMonth[]): string {
  const width = 640
  const height = 260
  const left = 80
  const bottom = 40
  const top = 16
  const plotWidth = width - left - 16
  const plotHeight = height - top - bottom
  let planned = 0
  let delivered = 0
  const cum = months.map((m) => {
    planned += m.planned
    if (m.actual !== null) delivered += m.actual
    return { planned, delivered: m.actual === null ? null : delivered }
  })
  let forecast = delivered
  const lastActual = cum.map((c) => c.delivered !== null).lastIndexOf(true)
  const forecastPoints = months.map((m, i) => {
    if (i < lastActual) return null
    if (i > lastActual) forecast += m.forecast ?? m.planned
    return forecast
  })
  const axis = niceAxis(
    [0, 1, ...cum.map((c) => c.planned), ...forecastPoints.map((f) => f ?? 0), delivered],
    { zero: true, count: 4 },
  )
  const max = axis.ticks.at(-1) ?? 1
  const x = (i: number) => left + (plotWidth * (i + 0.5)) / Math.max(months.length, 1)
  const y = (v: number) => top + plotHeight - (plotHeight * v) / max
  const path = (points: (number | null)[]) =>
    points
      .map((v, i) => (v === null ? '' : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter(Boolean)
      .join(' ')
  const { ticks } = axis
  const description = `Profile ${formatPounds(planned)} for the year; ${formatPounds(delivered)} delivered to date; forecast ${formatPounds(forecast)}.`
  return `<svg class="gt-chart" role="img" viewBox="0 0 ${width} ${height}" width="100%" aria-labelledby="profile-chart-title profile-chart-desc" xmlns="http://www.w3.org/2000/svg" font-family="${CHART_FONT}">
<title id="profile-chart-title">${escapeXml(title)}</title>
<desc id="profile-chart-desc">${escapeXml(description)}</desc>
${ticks
  .map(
    (t) =>
      `<line x1="${left}" x2="${width - 16}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#b1b4b6" stroke-width="1"/><text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#0b0c0c">${escapeXml(formatWholePounds(t))}</text>`,
  )
  .join('\n')}
${months.map((m, i) => `<text x="${x(i).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle" font-size="11" fill="#0b0c0c">${escapeXml(m.label.slice(0, 3))}</text>`).join('\n')}
<polyline points="${path(cum.map((c) => c.planned))}" fill="none" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>
<polyline points="${path(forecastPoints)}" fill="none" stroke="#1d70b8" stroke-width="2" stroke-dasharray="2 4"/>
<polyline points="${path(cum.map((c) => c.delivered))}" fill="none" stroke="#1d70b8" stroke-width="3"/>
${cum.map((c, i) => (c.delivered === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(c.delivered).toFixed(1)}" r="4" fill="#1d70b8"/>`)).join('')}
</svg>`
}
