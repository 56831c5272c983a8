// SPC charts in reports: the same XmR chart as the measure page (renderSpcChart over
// measureSpc with the measure's recorded baseline and change points), its plain sentence as the
// alternative text, and its data as a table.
import { renderSpcChart } from '../../../web/charts/spc-chart.ts'
import { VARIATION_NAMES } from '../../../web/charts/spc-icons.ts'
import { formatValue, measureSpc, spcSentences } from '../../measures/index.ts'
import type { Chart } from '../report-document.ts'
import type { MeasureLine } from './report-data.ts'

/** The chart of a measure's approved values up to the report's period; null with none. */
export function spcChartBlock(m: MeasureLine): Chart | null {
  const { measure, values, settings } = m.spc
  const spc = measureSpc(measure, values, settings)
  if (spc.points.length === 0) return null
  const name = `${m.code} ${m.title}`
  const svg = renderSpcChart({
    title: `${name}: statistical process control chart`,
    result: spc.result,
    labels: spc.labels,
    unit: measure.unit,
    decimals: measure.decimals,
    target: spc.target,
    frequency: measure.frequency,
    changePoints: spc.changeMarks,
    // Ids are unique within the report, which holds several charts.
    id: `spc-${m.id}`,
  })
  const size = /width="(\d+)" height="(\d+)"/.exec(svg)
  const format = (n: number | null) => (n === null ? '–' : formatValue(n, measure))
  const [variation] = spcSentences(measure, spc)
  return {
    type: 'chart',
    svg,
    alt: `Statistical process control chart of ${name}. ${variation ?? ''}`.trim(),
    width: Number(size?.[1] ?? 720),
    height: Number(size?.[2] ?? 340),
    caption: `${name}: approved values with the process mean and limits`,
    data: {
      type: 'table',
      caption: `SPC chart data: ${name}`,
      columns: [
        { label: 'Period', width: 1.4 },
        { label: 'Value', align: 'right' },
        { label: 'Mean', align: 'right' },
        { label: 'Lower limit', align: 'right' },
        { label: 'Upper limit', align: 'right' },
        { label: 'Variation', width: 2.4 },
      ],
      rows: spc.points.map((p) => [
        p.period?.label ?? '',
        format(p.value),
        format(p.mean),
        format(p.lowerLimit),
        format(p.upperLimit),
        [
          VARIATION_NAMES[p.pointType],
          p.changeReason ? `; process changed: ${p.changeReason}` : '',
          p.inBaseline ? '; in the baseline' : '',
        ].join(''),
      ]),
    },
  }
}
