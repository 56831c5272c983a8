import { CABINET_SIZE, sampleReport } from '../test/helpers/sample-report.ts'
import {
  renderReport,
  type ReportDocument,
  type ReportFormat,
} from '../src/features/reports/index.ts'
import type { BenchResult } from './harness.ts'

const RUNS = 5
/** The budget for the quarterly Cabinet report in Word and in PDF. */
const BUDGET_MS = 5000

async function medianMs(doc: ReportDocument, format: ReportFormat): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await renderReport(doc, format)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(RUNS / 2)] ?? 0
}

/**
 * Rendering a Cabinet-sized quarterly report: 200 measures with status and direction badges,
 * 20 SPC charts with their data tables, 50 projects, 30 risks and the financial summary.
 */
export default async function reportRender(): Promise<BenchResult[]> {
  const doc = sampleReport(CABINET_SIZE)
  // Loads the renderers, fonts and resvg once, as a running server will have.
  await renderReport(doc, 'pdf')
  await renderReport(doc, 'docx')
  const results: BenchResult[] = []
  for (const format of ['docx', 'pdf'] as const) {
    results.push({
      name: `Cabinet report to ${format} (median of ${RUNS})`,
      value: await medianMs(doc, format),
      unit: 'ms',
      budget: { limit: BUDGET_MS, better: 'lower' },
    })
  }
  for (const format of ['xlsx', 'html', 'csv'] as const) {
    results.push({
      name: `Cabinet report to ${format} (median of ${RUNS})`,
      value: await medianMs(doc, format),
      unit: 'ms',
    })
  }
  return results
}
