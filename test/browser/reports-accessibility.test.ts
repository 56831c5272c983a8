import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import {
  axeViolations,
  chromiumMissing,
  demoPerson,
  launchBrowser,
  newAxeContext,
  signIn,
  startDemoSite,
  structureProblems,
  type Site,
} from './browser.ts'

/** Axe and page structure on the reports and committees pages, as the performance team and a councillor. */
describe('reports pages in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  async function check(page: Page, path: string, problems: string[], status = 200) {
    const response = await page.goto(new URL(path, site.baseUrl).href)
    assert.equal(response?.status(), status, path)
    for (const problem of [
      ...(await axeViolations(page)),
      ...(await structureProblems(page, { tab: status === 200 })),
    ]) {
      problems.push(`${path}: ${problem}`)
    }
  }

  it('passes axe on every reports page for the performance team, forms with errors included', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    await check(page, '/reports', problems)
    const links = await page
      .locator('table a.govuk-link')
      .evaluateAll((all) => all.map((a) => (a as HTMLAnchorElement).pathname))
    assert.equal(links.length, 2, 'the demo has a published report and a draft')
    for (const link of links) await check(page, link, problems)
    await page.goto(new URL('/reports', site.baseUrl).href)
    const draft =
      (await page
        .locator('tr', { hasText: 'Draft' })
        .locator('a.govuk-link')
        .first()
        .evaluate((a) => (a as HTMLAnchorElement).pathname)) || ''
    for (const path of [`${draft}/narrative`, `${draft}/publish`, '/reports/new', '/committees']) {
      await check(page, path, problems)
    }
    await page.goto(new URL('/reports/new', site.baseUrl).href)
    await submitAndWait(page, 'Create the draft')
    assert.equal(await page.locator('.govuk-error-summary').count(), 1)
    for (const problem of await axeViolations(page))
      problems.push(`/reports/new sent empty: ${problem}`)
    await page.goto(new URL('/committees', site.baseUrl).href)
    const committee = await page.getByRole('link', { name: 'Cabinet' }).first().getAttribute('href')
    await check(page, committee ?? '/committees', problems)
    await submitAndWait(page, 'Add the meeting')
    assert.equal(await page.locator('.govuk-error-summary').count(), 1)
    for (const problem of await axeViolations(page))
      problems.push(`meeting form sent empty: ${problem}`)
    const meeting = await page
      .getByRole('link', { name: /^Change date/ })
      .first()
      .evaluate((a) => (a as HTMLAnchorElement).pathname)
    await check(page, meeting, problems)
    await check(page, meeting.replace(/\/edit$/, '/cancel'), problems)
    await check(page, `${committee ?? ''}/edit`, problems)
    await page.getByLabel('Name', { exact: true }).fill('')
    await submitAndWait(page, 'Save the changes')
    assert.equal(await page.locator('.govuk-error-summary').count(), 1)
    for (const problem of await axeViolations(page))
      problems.push(`committee form sent without a name: ${problem}`)
    assert.deepEqual(problems, [])
    await page.context().close()
  })

  it('shows a councillor the published report only', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('councillor').email)
    const problems: string[] = []
    await check(page, '/reports', problems)
    const links = await page
      .locator('table a.govuk-link')
      .evaluateAll((all) => all.map((a) => (a as HTMLAnchorElement).pathname))
    assert.equal(links.length, 1)
    await check(page, links[0] ?? '', problems)
    assert.equal(await page.getByRole('link', { name: 'Edit the summary text' }).count(), 0)
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})

/** Sends a form and waits for the page it answers with, so the next check sees that page. */
async function submitAndWait(page: Page, button: string) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button }).click()])
}
