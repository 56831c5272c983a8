import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
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

/** The SPC pages of the demo council, with axe: lists with variation icons, settings, forms. */
describe('SPC pages in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  it('passes axe on the measure list, exceptions, a measure’s SPC section, its settings and forms', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    const visit = async (path: string, where: string) => {
      const response = await page.goto(`${site.baseUrl}${path}`)
      assert.equal(response?.status(), 200, where)
      problems.push(...(await problemsOn(page, where)))
    }
    await visit('/measures', 'measure list')
    assert.ok((await page.locator('.gt-spc-status').count()) > 10, 'variation beside each RAG')
    await visit('/measures/exceptions', 'exceptions')
    assert.match((await page.locator('table').textContent()) ?? '', /HO01/)

    await page.goto(`${site.baseUrl}/measures?search=BE01`)
    const href = await page.getByRole('link', { name: /Housing Benefit/ }).getAttribute('href')
    assert.ok(href)
    await visit(href, 'measure page with a change point')
    assert.match((await page.locator('#spc ~ p').allTextContents()).join(' '), /check–plan–do/)
    await visit(`${href}/spc`, 'SPC settings')
    for (const [path, action, where] of [
      [`${href}/spc/change-points/new`, `${href}/spc/change-points/new`, 'change form'],
      [`${href}/spc/baseline`, `${href}/spc/baseline`, 'baseline form'],
    ] as const) {
      await visit(path, where)
      const index = (await page.locator('form').count()) - 1
      const response = await submitEmpty(page, { pageUrl: `${site.baseUrl}${path}`, index, action })
      assert.equal(response.status(), 400, `${where} sent empty`)
      assert.equal(await page.locator('.govuk-error-summary').count(), 1)
      problems.push(...(await problemsOn(page, `${where} sent empty`, false)))
    }
    await page.goto(`${site.baseUrl}${href}/spc`)
    const remove = await page
      .getByRole('link', { name: /^Remove/ })
      .first()
      .getAttribute('href')
    assert.ok(remove)
    await visit(remove, 'removal page')
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
