import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { csvFile } from '../../src/features/exchange/index.ts'
import {
  chromiumMissing,
  demoPerson,
  launchBrowser,
  newAxeContext,
  problemsOn,
  signIn,
  startDemoSite,
  submitEmpty,
  type Site,
} from './browser.ts'

/** The import and export pages with axe: the form, its errors, row errors and the preview. */
describe('import and export pages in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  async function upload(page: Page, name: string, content: Buffer) {
    await page.goto(`${site.baseUrl}/exchange`)
    await page.locator('#file').setInputFiles({ name, mimeType: 'text/csv', buffer: content })
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest()),
      page.getByRole('button', { name: 'Check the file' }).click(),
    ])
    await page.waitForLoadState()
    return response
  }

  it('passes axe on the page, the upload sent empty, row errors, the preview and the result', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    const path = '/exchange'
    const response = await page.goto(`${site.baseUrl}${path}`)
    assert.equal(response?.status(), 200)
    problems.push(...(await problemsOn(page, 'import and export')))

    const index = (await page.locator('form').count()) - 1
    const empty = await submitEmpty(page, {
      pageUrl: `${site.baseUrl}${path}`,
      index,
      action: `${site.baseUrl}/exchange/preview`,
    })
    assert.equal(empty.status(), 400, 'upload sent with no file')
    assert.equal(await page.locator('.govuk-error-summary').count(), 1)
    assert.match(
      (await page.locator('.govuk-error-summary').textContent()) ?? '',
      /Select a file to import/,
    )
    problems.push(...(await problemsOn(page, 'upload sent empty', false)))

    const bad = await upload(
      page,
      'targets.csv',
      csvFile([
        ['Measure code', 'Period', 'Target'],
        ['NOPE', '2025/26', 'lots'],
      ]),
    )
    assert.equal(bad.status(), 400)
    assert.match(
      (await page.locator('#row-errors ~ .gt-table-scroll > table').textContent()) ?? '',
      /NOPE/,
    )
    problems.push(...(await problemsOn(page, 'row errors', false)))

    const good = await upload(
      page,
      'targets.csv',
      csvFile([
        ['Measure code', 'Period', 'Target'],
        ['HO01', '2030/31', 10],
      ]),
    )
    assert.equal(good.status(), 200)
    assert.match((await page.locator('main').textContent()) ?? '', /HO01 2030\/31/)
    problems.push(...(await problemsOn(page, 'preview')))

    await Promise.all([
      page.waitForURL(`${site.baseUrl}/exchange`),
      page.getByRole('button', { name: /^Import 1 change/ }).click(),
    ])
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Imported/)
    // The success banner takes focus as it loads, as GOV.UK's does: no skip-link check here.
    problems.push(...(await problemsOn(page, 'after the import', false)))
    assert.deepEqual(problems, [])
    await page.context().close()
  })

  /** Presses a button and waits for the page it sends the form to. */
  async function submit(page: Page, name: string | RegExp) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest()),
      page.getByRole('button', { name }).click(),
    ])
    await page.waitForLoadState()
    return response
  }

  it('passes axe on importing a council’s own file: upload, mapping, its errors, the check and the report', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    const response = await page.goto(`${site.baseUrl}/exchange/mapped`)
    assert.equal(response?.status(), 200)
    problems.push(...(await problemsOn(page, 'own file upload')))

    await page.locator('#file').setInputFiles({
      name: 'own.csv',
      mimeType: 'text/csv',
      buffer: csvFile([
        ['KPI ref', 'Indicator', 'Quarter', 'Actual', 'Notes'],
        ['OWN-01', 'Calls answered in 20 seconds', '2024/25 Q1', 81.5, 'New phone system'],
        ['OWN-01', 'Calls answered in 20 seconds', '2024/25 Q2', 84, ''],
      ]),
    })
    await Promise.all([
      page.waitForURL(/\/exchange\/mapped\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Upload and map the columns' }).click(),
    ])
    assert.match((await page.locator('main').textContent()) ?? '', /OWN-01/)
    problems.push(...(await problemsOn(page, 'own file mapping')))
    // The same file as projects and actions: each column offered the Projects sheet's columns.
    const mappingUrl = page.url()
    const asProjects = page.getByRole('link', { name: 'Programmes, projects and actions' })
    assert.equal(
      await asProjects.getAttribute('href'),
      `${new URL(mappingUrl).pathname}?kind=Projects`,
    )
    await page.goto(`${mappingUrl}?kind=Projects`)
    assert.equal(await page.locator('input[name="sheet"]').getAttribute('value'), 'Projects')
    problems.push(...(await problemsOn(page, 'own file mapped as projects')))
    await page.goto(mappingUrl)

    // The code column set to not imported: asked for, with the error summary.
    await page.locator('#column_0').selectOption('ignore')
    await submit(page, 'Check what would change')
    assert.match(
      (await page.locator('.govuk-error-summary').textContent()) ?? '',
      /Select which column holds the measure code/,
    )
    problems.push(...(await problemsOn(page, 'own file mapping errors', false)))

    await page.locator('#column_0').selectOption('code')
    await page.locator('#unit').selectOption('percent')
    await page.locator('#polarity').selectOption('higher_is_better')
    assert.equal((await submit(page, 'Check what would change')).status(), 200)
    assert.match((await page.locator('h1').textContent()) ?? '', /Check the import/)
    problems.push(...(await problemsOn(page, 'own file check')))

    assert.equal((await submit(page, /^Import \d+ changes/)).status(), 200)
    assert.match((await page.locator('main').textContent()) ?? '', /Migration report/)
    problems.push(...(await problemsOn(page, 'own file report')))
    assert.deepEqual(problems, [])
    await page.context().close()
  })

  it('passes axe on an import’s progress page (and its figures update with JavaScript), its result and the history', async () => {
    const db = site.ctx.database.db
    const person = await db
      .selectFrom('people')
      .innerJoin('organisations', 'organisations.id', 'people.organisation_id')
      .select(['people.id', 'people.name', 'people.organisation_id'])
      .where('people.email', '=', demoPerson('performance_officer').email)
      .executeTakeFirstOrThrow()
    // An import still going, as another instance would leave it mid-run.
    const going = await db
      .insertInto('import_runs')
      .values({
        organisation_id: person.organisation_id,
        person_id: person.id,
        person_name: person.name,
        file_name: 'monthly-figures.csv',
        sha256: 'b'.repeat(64),
        size_bytes: 400_000,
        dry_run: false,
        history_reason: null,
        status: 'running',
        content: null,
        rows_read: 10_000,
        rows_checked: 2_500,
        result: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    assert.equal((await page.goto(`${site.baseUrl}/exchange/imports/${going.id}`))?.status(), 200)
    assert.equal(await page.locator('[data-progress="checked"]').textContent(), '2,500')
    problems.push(...(await problemsOn(page, 'import progress')))
    // With JavaScript the figures follow the run without a reload, and its end loads the result.
    await db
      .updateTable('import_runs')
      .set({ rows_checked: 7_000 })
      .where('id', '=', going.id)
      .execute()
    await page.locator('[data-progress="checked"]', { hasText: '7,000' }).waitFor()
    await db
      .updateTable('import_runs')
      .set({
        status: 'failed',
        finished_at: new Date(),
        result: JSON.stringify({
          error: {
            id: 'invalid',
            message: 'Nothing was imported: the file has 1 problem',
            details: [{ sheet: 'Values', row: 7, column: 'Period', message: 'Enter a period' }],
            total: 1,
          },
        }),
      })
      .where('id', '=', going.id)
      .execute()
    await page.locator('#row-errors').waitFor()
    assert.match((await page.locator('main').textContent()) ?? '', /Enter a period/)
    problems.push(...(await problemsOn(page, 'import failed with row problems')))

    // A check of a large file, sent from the page, lands on its run: the result with changes.
    await page.goto(`${site.baseUrl}/exchange`)
    const rows: (string | number)[][] = [['Measure code', 'Period', 'Value', 'Commentary']]
    const note = 'Checked against the case system. '.repeat(30)
    for (let year = 1990; rows.length * note.length < 300_000; year++) {
      rows.push(['HO01', `${year}/${String((year + 1) % 100).padStart(2, '0')}`, 10, note])
    }
    await page
      .locator('#file')
      .setInputFiles({ name: 'targets.csv', mimeType: 'text/csv', buffer: csvFile(rows) })
    await Promise.all([
      page.waitForURL(/\/exchange\/imports\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Check the file' }).click(),
    ])
    await page.locator('h1', { hasText: /Check finished|Check failed/ }).waitFor()
    problems.push(...(await problemsOn(page, 'check result')))

    assert.equal((await page.goto(`${site.baseUrl}/exchange/imports`))?.status(), 200)
    assert.match((await page.locator('main').textContent()) ?? '', /monthly-figures\.csv/)
    problems.push(...(await problemsOn(page, 'import history')))
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
