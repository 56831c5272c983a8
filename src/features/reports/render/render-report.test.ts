import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readZip } from '../../../../test/helpers/documents.ts'
import type { ReportDocument, ReportFormat } from '../report-document.ts'
import { CONTENT_TYPES, renderReport } from './index.ts'

const FORMATS: readonly ReportFormat[] = ['html', 'docx', 'pdf', 'xlsx', 'csv']

const smallest: ReportDocument = {
  title: 'Report card',
  organisation: 'Example City Council',
  meta: [],
  blocks: [],
}

const awkward: ReportDocument = {
  title: 'Year-end report',
  organisation: 'Example City Council',
  meta: [{ label: 'Status', value: 'Published' }],
  blocks: [
    { type: 'table', caption: 'No measures yet', columns: [{ label: 'Measure' }], rows: [] },
    { type: 'paragraph', content: [] },
    { type: 'list', items: [] },
    { type: 'page_break' },
    { type: 'page_break' },
    {
      type: 'table',
      caption: 'A cell of many runs',
      columns: [
        { label: 'Note', width: 0 },
        { label: 'Value', align: 'right' },
      ],
      rows: [
        [
          [
            { type: 'text', text: 'Bold ', bold: true },
            { type: 'text', text: 'italic ', italic: true },
            { type: 'link', text: 'link', href: 'https://example.gov.uk/' },
            { type: 'footnote', text: 'A note in a cell.' },
          ],
          {
            type: 'badge',
            kind: 'assurance',
            value: 'inconsistent',
            label: 'Hit and miss',
            symbol: '',
          },
        ],
      ],
    },
  ],
}

describe('renderReport', () => {
  for (const format of FORMATS) {
    it(`renders the smallest report and awkward content as ${format}`, async () => {
      for (const doc of [smallest, awkward]) {
        const rendered = await renderReport(doc, format)
        assert.equal(rendered.extension, format)
        assert.equal(rendered.contentType, CONTENT_TYPES[format])
        assert.ok(rendered.body.length > 0)
        if (format === 'pdf') assert.equal(rendered.body.subarray(0, 5).toString(), '%PDF-')
        if (format === 'docx' || format === 'xlsx') assert.ok(readZip(rendered.body).size > 5)
      }
    })
  }

  it('renders the same document to the same HTML and CSV every time', async () => {
    for (const format of ['html', 'csv'] as const) {
      const [a, b] = await Promise.all([
        renderReport(awkward, format),
        renderReport(awkward, format),
      ])
      assert.deepEqual(a.body, b.body)
    }
  })
})
