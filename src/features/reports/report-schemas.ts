import { z } from 'zod'
import { choice, optionalId, versionField } from '../../web/fields.ts'
import { REPORT_KINDS } from './report-kinds.ts'

export const REPORT_FORMATS = ['html', 'docx', 'pdf', 'xlsx', 'csv'] as const
export type ReportFormatName = (typeof REPORT_FORMATS)[number]

export const FORMAT_NAMES: Readonly<Record<ReportFormatName, string>> = {
  html: 'Web page (HTML)',
  docx: 'Word (.docx)',
  pdf: 'PDF',
  xlsx: 'Excel (.xlsx)',
  csv: 'CSV',
}

const asArray = (value: unknown): unknown[] =>
  value === undefined || value === null || value === ''
    ? []
    : Array.isArray(value)
      ? (value as unknown[])
      : [value]

export const PeriodField = z.union(
  [
    z.string().trim().min(1, { error: 'Enter the period, like 2025/26 Q1' }),
    z.object({ frequency: z.string(), start: z.string() }),
  ],
  { error: 'Enter the period, like 2025/26 Q1' },
)

export const ReportInput = z.object({
  kind: choice(REPORT_KINDS, 'the kind of report'),
  period: PeriodField,
  meetingId: optionalId('a meeting'),
  scopeId: optionalId('what the report is about'),
  focusNodeIds: z.preprocess(
    asArray,
    z.array(z.uuid({ error: 'Select focus areas from the list' })).max(20),
  ),
})
export type ReportInput = z.output<typeof ReportInput>

export const EditsInput = z.object({
  version: versionField().optional(),
  edits: z.record(
    z.string().max(100),
    z.string().max(5000, { error: 'Must be 5000 characters or fewer' }).nullable(),
  ),
})
export type EditsInput = z.output<typeof EditsInput>

export const FormatQuery = z.object({
  format: z.enum(REPORT_FORMATS, { error: 'Choose html, docx, pdf, xlsx or csv' }),
})
