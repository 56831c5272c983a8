// The one entry point: a report document in any of the five formats.
import type { RenderedReport, ReportDocument, ReportFormat } from '../report-document.ts'
import { reportCsv } from './report-csv.ts'
import { reportDocx } from './report-docx.ts'
import { reportHtmlDocument } from './report-html.ts'
import { reportPdf } from './report-pdf.ts'
import { reportXlsx } from './report-xlsx.ts'

export { reportHtmlFragment, reportHtmlDocument } from './report-html.ts'

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

export async function renderReport(
  doc: ReportDocument,
  format: ReportFormat,
): Promise<RenderedReport> {
  const body = await renderBody(doc, format)
  return { body, contentType: CONTENT_TYPES[format], extension: format }
}

async function renderBody(doc: ReportDocument, format: ReportFormat): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(reportHtmlDocument(doc), 'utf8')
    case 'csv':
      return Buffer.from(reportCsv(doc), 'utf8')
    case 'docx':
      return reportDocx(doc)
    case 'pdf':
      return reportPdf(doc)
    case 'xlsx':
      return reportXlsx(doc)
  }
}
