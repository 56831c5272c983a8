import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { applyEdits, compareDocuments, editableParagraphs } from './report-changes.ts'
import type { ReportDocument, TableCell } from './report-document.ts'

const doc = (rows: TableCell[][], summary = 'Two of three are on track.'): ReportDocument => ({
  title: 'Quarterly performance report',
  organisation: 'Testford',
  meta: [],
  blocks: [
    { type: 'heading', level: 1, text: 'Summary' },
    { type: 'paragraph', content: [summary], editableKey: 'summary' },
    {
      type: 'table',
      caption: 'Measures',
      columns: [{ label: 'Measure' }, { label: 'Value' }, { label: 'Status' }],
      rows,
    },
  ],
})
const green = { type: 'badge', kind: 'rag', value: 'green', label: 'Green', symbol: '✔' } as const
const red = { type: 'badge', kind: 'rag', value: 'red', label: 'Red', symbol: '✖' } as const

describe('report edits and changes', () => {
  it('replaces an edited paragraph and lists the editable ones under their section', () => {
    const edited = applyEdits(doc([]), { summary: 'Performance held up.' })
    assert.deepEqual(editableParagraphs(edited), [
      { key: 'summary', section: 'Summary', text: 'Performance held up.' },
    ])
    assert.deepEqual(applyEdits(doc([]), {}), doc([]))
  })

  it('finds changed values and statuses, added and removed rows', () => {
    const frozen = doc([
      ['WS01 Recycling', '44.0%', green],
      ['HO01 Temporary accommodation', '120', green],
    ])
    const now = doc([
      ['WS01 Recycling', '41.0%', red],
      ['EC04 Vacant shops', '12', green],
    ])
    assert.deepEqual(compareDocuments(frozen, now), [
      {
        type: 'row_changed',
        table: 'Measures',
        row: 'WS01 Recycling',
        cells: [
          { column: 'Value', before: '44.0%', after: '41.0%' },
          { column: 'Status', before: '✔ Green', after: '✖ Red' },
        ],
      },
      { type: 'row_removed', table: 'Measures', row: 'HO01 Temporary accommodation' },
      { type: 'row_added', table: 'Measures', row: 'EC04 Vacant shops' },
    ])
  })

  it('reports generated text that changed unless the author reworded it', () => {
    const frozen = doc([], 'Two of three are on track.')
    const now = doc([], 'One of three is on track.')
    assert.deepEqual(compareDocuments(frozen, now), [
      {
        type: 'text_changed',
        key: 'summary',
        before: 'Two of three are on track.',
        after: 'One of three is on track.',
      },
    ])
    assert.deepEqual(compareDocuments(frozen, now, { summary: 'Reworded.' }), [])
    assert.deepEqual(compareDocuments(frozen, frozen), [])
  })
})
