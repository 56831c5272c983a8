import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'
import type { ReportDocument, Table } from '../report-document.ts'
import { alignsRight, layoutTable } from './render-helpers.ts'
import { renderReport } from './index.ts'

/** Five points a character, whatever the face: enough to reason about the layout. */
const measure = (text: string) => text.length * 5
const PAGE = { portrait: 480, landscape: 720, padding: 4 }

function table(columns: number, word = 'Confidence'): Table {
  return {
    type: 'table',
    caption: 'Wide',
    columns: Array.from({ length: columns }, (_, i) => ({ label: `Column ${i + 1}` })),
    rows: [Array.from({ length: columns }, (_, i) => (i === 1 ? '£1,360,000' : word))],
  }
}

describe('table layout from the content', () => {
  it('gives every column at least its longest word and fills the width', () => {
    const layout = layoutTable(
      {
        type: 'table',
        caption: 'Measures',
        columns: [{ label: 'Measure' }, { label: 'Value' }, { label: 'Commentary' }],
        rows: [
          ['HO01 Households in temporary accommodation', '263', 'A long commentary '.repeat(8)],
        ],
      },
      measure,
      PAGE,
    )
    assert.equal(layout.landscape, false)
    const [part] = layout.parts
    assert.ok(part)
    const total = part.widths.reduce((a, b) => a + b, 0)
    assert.ok(Math.abs(total - PAGE.portrait) < 1e-6)
    assert.ok((part.widths[0] ?? 0) >= measure('accommodation') + 8)
    assert.ok((part.widths[1] ?? 0) >= measure('Value') + 8)
    // The commentary, longest on one line, gets the most room.
    assert.ok((part.widths[2] ?? 0) > (part.widths[0] ?? 0))
  })

  it('turns a table to landscape when its words do not fit portrait, and splits it beyond', () => {
    assert.equal(layoutTable(table(6), measure, PAGE).landscape, false)
    const wide = layoutTable(table(9), measure, PAGE)
    assert.equal(wide.landscape, true)
    assert.equal(wide.parts.length, 1)
    const split = layoutTable(table(20), measure, PAGE)
    assert.ok(split.parts.length > 1)
    for (const part of split.parts) {
      assert.equal(part.columns[0], 0, 'each part repeats the first column')
      assert.ok(part.widths.reduce((a, b) => a + b, 0) <= PAGE.landscape + 1e-6)
    }
    assert.deepEqual(
      [...new Set(split.parts.flatMap((p) => p.columns))].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    )
  })

  it('aligns a column of numbers right without being told', () => {
    const t: Table = {
      type: 'table',
      caption: 'Money',
      columns: [{ label: 'Directorate' }, { label: 'Budget' }, { label: 'Variance' }],
      rows: [
        ['Resources', '£1,360', '(12)'],
        ['Place', '—', '4.5%'],
      ],
    }
    assert.deepEqual(
      [0, 1, 2].map((i) => alignsRight(t, i)),
      [false, true, true],
    )
  })

  it('prints a table too wide for portrait on a landscape page, and turns back after it', async () => {
    const doc: ReportDocument = {
      title: 'Wide tables',
      organisation: 'Test Council',
      meta: [],
      blocks: [
        { type: 'heading', level: 1, text: 'Before' },
        { type: 'paragraph', content: ['Portrait text.'] },
        { type: 'heading', level: 1, text: 'The wide table' },
        { ...table(12), caption: 'Twelve columns' },
        { type: 'heading', level: 1, text: 'After' },
        { type: 'paragraph', content: ['Portrait again.'] },
      ],
    }
    const dir = await mkdtemp(join(tmpdir(), 'gt-wide-'))
    try {
      const file = join(dir, 'wide.pdf')
      await writeFile(file, (await renderReport(doc, 'pdf')).body)
      const { stdout } = await promisify(execFile)('pdfinfo', ['-f', '1', '-l', '3', file])
      const sizes = [...stdout.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/g)].map((m) =>
        Number(m[1]) > Number(m[2]) ? 'landscape' : 'portrait',
      )
      assert.deepEqual(sizes, ['portrait', 'landscape', 'portrait'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
