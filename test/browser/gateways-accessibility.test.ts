import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
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

/** The demo programme's stage, assurance and gateway reviews, its forms, and its highlight report. */
describe('programme boards and gateways in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  /** Goes to a link's address on the page in view, so each step waits for its page. */
  async function follow(page: Page, name: string | RegExp) {
    const href = await page.getByRole('link', { name }).first().getAttribute('href')
    assert.ok(href, `a link "${String(name)}" on ${page.url()}`)
    const response = await page.goto(new URL(href, page.url()).href)
    assert.equal(response?.status(), 200, String(name))
    return new URL(page.url()).pathname
  }

  it('passes axe on the project’s gateways, its two forms (and sent empty) and the highlight report', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    await page.goto(`${site.baseUrl}/projects`)
    const programme = await follow(page, 'Organisational Improvement Programme')
    const governance =
      (await page.locator('#governance ~ .gt-table-scroll > table').first().textContent()) ?? ''
    assert.match(governance, /Proceed with conditions/)
    problems.push(...(await problemsOn(page, 'programme page')))

    for (const [link, field] of [
      [/^Set the stage and assurance/, 'stage'],
      [/^Record a gateway review/, 'decision'],
    ] as const) {
      await page.goto(`${site.baseUrl}${programme}`)
      const path = await follow(page, link)
      problems.push(...(await problemsOn(page, path)))
      const response = await submitEmpty(page, {
        pageUrl: `${site.baseUrl}${path}`,
        index: (await page.locator('form').count()) - 1,
        action: path,
      })
      assert.equal(response.status(), 400, `${path} sent empty`)
      assert.equal(await page.locator('.govuk-error-summary').count(), 1)
      assert.equal(await page.locator(`.govuk-error-summary a[href="#${field}"]`).count(), 1)
      problems.push(...(await problemsOn(page, `${path} sent empty`, false)))
    }

    await page.goto(`${site.baseUrl}${programme}`)
    await follow(page, /^Highlight report/)
    assert.match((await page.locator('#impact').textContent()) ?? '', /making a difference/)
    problems.push(...(await problemsOn(page, 'highlight report')))
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
