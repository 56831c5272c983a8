import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import {
  convertToPdf,
  pdfInfo,
  pdfText,
  popplerMissing,
  readZip,
  scratch,
  sofficeMissing,
  writeTo,
} from '../../../../test/helpers/documents.ts'
import { sampleReport } from '../../../../test/helpers/sample-report.ts'
import type { ReportDocument, Table } from '../report-document.ts'
import { renderReport } from './index.ts'
import { numberFormat } from './report-xlsx.ts'

const doc = sampleReport()

async function workbookOf(body: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(body as unknown as ArrayBuffer)
  return workbook
}

function sheetNames(body: Buffer): string[] {
  const workbook = readZip(body).get('xl/workbook.xml')?.toString('utf8') ?? ''
  return [...workbook.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) =>
    (m[1] ?? '').replace(/&amp;/g, '&').replace(/&apos;/g, "'"),
  )
}

function table(caption: string): Table {
  return { type: 'table', caption, columns: [{ label: 'A' }], rows: [['x']] }
}

describe('report as Excel', () => {
  let body: Buffer
  let workbook: ExcelJS.Workbook

  before(async () => {
    const rendered = await renderReport(doc, 'xlsx')
    assert.equal(rendered.extension, 'xlsx')
    assert.equal(
      rendered.contentType,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    body = rendered.body
    workbook = await workbookOf(body)
  })

  it('starts with a Summary sheet, then one sheet per table named from its caption', () => {
    assert.deepEqual(sheetNames(body), [
      'Summary',
      'Corporate measures by theme',
      'Council tax collected the',
      'Business rates collected the',
      'Programme and project',
      'Financial summary by',
      'Corporate risk register',
    ])
  })

  it('puts the title, meta, narrative and notes on the Summary sheet', () => {
    const summary = workbook.getWorksheet('Summary')
    assert.ok(summary)
    const text: string[] = []
    summary.eachRow((row) => {
      const cells: string[] = []
      row.eachCell({ includeEmpty: true }, (cell) => cells.push(cell.text))
      text.push(cells.join(' | '))
    })
    assert.equal(text[0], doc.title)
    assert.ok(text.includes('Committee | Cabinet'))
    assert.ok(
      text.some((t) =>
        t.includes('Council tax collection recovered after the new payment portal went live[1].'),
      ),
    )
    assert.ok(text.includes(' | • Recycling is above target for the first time.'))
    assert.ok(text.includes('[2] | Figures for March are provisional.'))
    assert.ok(text.includes('Corporate risk register | Corporate risk register'))
  })

  it('stores numbers as numbers, shown as the report shows them, and words as text', () => {
    const sheet = workbook.getWorksheet('Corporate measures by theme')
    assert.ok(sheet)
    assert.equal(sheet.getCell('A1').value, 'Corporate measures by theme, 2025/26 Q4')
    assert.deepEqual((sheet.getRow(2).values as ExcelJS.CellValue[]).slice(1), [
      'Code',
      'Measure',
      'Theme',
      'Value',
      'Target',
      'Status',
      'Direction',
    ])
    const value = sheet.getCell('D3')
    assert.equal(typeof value.value, 'number')
    assert.equal(value.numFmt, '0.0"%";-0.0"%"')
    assert.equal(sheet.getCell('F3').value, '✔ Green')
    const finance = workbook.getWorksheet('Financial summary by')
    assert.ok(finance)
    assert.equal(finance.getCell('B7').value, 310_575_000)
    assert.equal(finance.getCell('B7').numFmt, '"£"#,##0;-"£"#,##0')
    assert.equal(finance.getCell('A7').font.bold, true)
  })

  it('freezes a bold header row, sizes the columns and repeats the header when printed', () => {
    const sheet = workbook.getWorksheet('Corporate measures by theme')
    assert.ok(sheet)
    assert.deepEqual(
      sheet.views.map((v) => v.state),
      ['frozen'],
    )
    assert.equal(sheet.getCell('B2').font.bold, true)
    assert.ok((sheet.getColumn(2).width ?? 0) > (sheet.getColumn(1).width ?? 0))
    assert.equal(sheet.pageSetup.printTitlesRow, '1:2')
    const xml = readZip(body).get('xl/worksheets/sheet2.xml')?.toString('utf8') ?? ''
    assert.match(xml, /<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"\/>/)
    assert.match(xml, /<c r="D3" s="\d+"><v>72<\/v><\/c>/)
  })

  it("keeps sheet names within Excel's 31 characters and rules, and unique", async () => {
    const long = 'Adult social care: clients receiving self-directed support, 2025/26'
    const awkward: ReportDocument = {
      ...doc,
      blocks: [
        table(long),
        table(long),
        table('Risks [high] / *new*? \\ done'),
        table('History'),
        table("'Quoted'"),
        table(''),
      ],
    }
    const names = sheetNames((await renderReport(awkward, 'xlsx')).body)
    assert.deepEqual(names, [
      'Summary',
      'Adult social care clients',
      'Adult social care clients (2)',
      'Risks high new done',
      'History (2)',
      'Quoted',
      'Table',
    ])
    for (const name of names) {
      assert.ok(name.length <= 31, name)
      assert.doesNotMatch(name, /[:\\/?*[\]]/)
    }
  })

  it('finds the number format for each way the report writes a number', () => {
    assert.equal(numberFormat('72.0%'), '0.0"%";-0.0"%"')
    assert.equal(numberFormat('£1,234,567'), '"£"#,##0;-"£"#,##0')
    assert.equal(numberFormat('−£850,000'), '"£"#,##0;"−""£"#,##0')
    assert.equal(numberFormat('(1,250)'), '#,##0;(#,##0)')
    assert.equal(numberFormat('12.5 days'), '0.0" days";-0.0" days"')
    assert.equal(numberFormat('20'), '0;-0')
    assert.equal(numberFormat('Yes'), 'General')
  })
})

describe('report as Excel in LibreOffice', { skip: sofficeMissing() ?? popplerMissing() }, () => {
  let dir: { dir: string; remove: () => Promise<void> }
  before(async () => {
    dir = await scratch()
  })
  after(async () => {
    await dir.remove()
  })

  it('opens and prints every sheet, numbers in the report’s own format', async () => {
    const xlsx = await writeTo(dir.dir, 'report.xlsx', (await renderReport(doc, 'xlsx')).body)
    const pdf = await convertToPdf(xlsx, dir.dir)
    const pages = Number((await pdfInfo(pdf)).get('Pages'))
    assert.ok(pages >= 7, `${pages} pages: at least one a sheet`)
    const text = await pdfText(pdf)
    for (const expected of [
      'Quarterly performance report: 2025/26 Q4',
      'Corporate measures by theme, 2025/26 Q4',
      'Corporate risk register',
      '✖ Red',
      '72.0%',
      '£310,575,000',
      'Figures for March are provisional.',
    ]) {
      assert.ok(text.includes(expected), `the PDF does not say "${expected}"`)
    }
  })
})
