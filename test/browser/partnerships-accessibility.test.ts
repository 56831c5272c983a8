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

/** The demo Health and Care Partnership's pages, with axe, from both sides. */
describe('partnerships in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  it('passes axe on the partnership list, dashboard, thread, item, share and withdraw pages', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    await page.goto(`${site.baseUrl}/partnerships`)
    problems.push(...(await problemsOn(page, 'partnerships')))
    const href = await page
      .getByRole('link', { name: 'Health and Care Partnership', exact: true })
      .getAttribute('href')
    const dashboard = `${site.baseUrl}${href ?? ''}`
    await page.goto(dashboard)
    assert.match(await page.locator('main').innerText(), /Owner: Example City NHS Foundation Trust/)
    problems.push(...(await problemsOn(page, 'partnership dashboard')))

    await page.goto(`${dashboard}/thread`)
    problems.push(...(await problemsOn(page, 'shared plan thread')))
    await page.goto(dashboard)
    await page.goto(
      `${site.baseUrl}${(await page.locator('.gt-tile h3 a').first().getAttribute('href')) ?? ''}`,
    )
    problems.push(...(await problemsOn(page, 'shared item')))

    await page.goto(`${dashboard}/shares/new`)
    problems.push(...(await problemsOn(page, 'share form')))
    const response = await submitEmpty(page, {
      pageUrl: `${dashboard}/shares/new`,
      index: (await page.locator('form').count()) - 1,
      action: `${new URL(dashboard).pathname}/shares/new`,
    })
    assert.equal(response.status(), 400, 'share form sent empty')
    assert.equal(await page.locator('.govuk-error-summary').count(), 1)
    problems.push(...(await problemsOn(page, 'share form sent empty', false)))

    await page.goto(dashboard)
    await page
      .getByRole('link', { name: /^Withdraw/ })
      .first()
      .click()
    await page.waitForURL(/\/withdraw$/)
    problems.push(...(await problemsOn(page, 'withdraw page')))
    assert.deepEqual(problems, [])
    await page.context().close()
  })

  it('passes axe on the contribute form the trust’s officer sees', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, 'officer@example-nhs.nhs.uk')
    const problems: string[] = []
    await page.goto(`${site.baseUrl}/`)
    await page.getByRole('link', { name: /Health and Care Partnership dashboard/ }).click()
    await page.waitForURL(/\/partnerships\/[0-9a-f-]{36}$/)
    await page.getByRole('link', { name: /^AS01/ }).click()
    await page.waitForURL(/\/shares\/[0-9a-f-]{36}$/)
    assert.equal(await page.getByRole('heading', { name: 'Enter a value' }).count(), 1)
    problems.push(...(await problemsOn(page, 'contribute form')))
    const url = page.url()
    const response = await submitEmpty(page, {
      pageUrl: url,
      index: (await page.locator('form').count()) - 1,
      action: `${new URL(url).pathname}/values`,
    })
    assert.equal(response.status(), 400, 'contribute form sent empty')
    problems.push(...(await problemsOn(page, 'contribute form sent empty', false)))
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
