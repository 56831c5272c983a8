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

/** The notifications page of the demo council, with axe: the list, its forms and an error. */
describe('notifications in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  it('passes axe on the notifications page, marking one read and the e-mail setting sent empty', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('approver').email)
    const problems: string[] = []
    const header = page.locator('.gt-user-bar a[href="/notifications"]')
    assert.match((await header.textContent()) ?? '', /^Notifications \(\d+ unread\)$/)
    const unread = Number(/\((\d+)/.exec((await header.textContent()) ?? '')?.[1])
    assert.ok(unread > 0, 'the demo approver has notifications on first start')

    await header.click()
    await page.waitForURL(`${site.baseUrl}/notifications`)
    problems.push(...(await problemsOn(page, 'notifications')))
    assert.ok((await page.locator('tbody tr').count()) >= unread)

    // Loaded afresh: the keyboard walk above leaves the page mid-focus.
    await page.goto(`${site.baseUrl}/notifications`)
    await page
      .getByRole('button', { name: /^Mark as read/ })
      .first()
      .click()
    // The same address again after the redirect: wait for the header to count one fewer.
    await page.waitForFunction(
      (n) =>
        document
          .querySelector('.gt-user-bar a[href="/notifications"]')
          ?.textContent.includes(`(${n} unread)`),
      unread - 1,
    )
    problems.push(...(await problemsOn(page, 'after marking one read')))

    const path = '/notifications'
    const index = (await page.locator('form').count()) - 1
    const response = await submitEmpty(page, {
      pageUrl: `${site.baseUrl}${path}`,
      index,
      action: '/notifications/email',
    })
    assert.equal(response.status(), 400, 'e-mail setting sent empty')
    assert.equal(await page.locator('.govuk-error-summary').count(), 1)
    problems.push(...(await problemsOn(page, 'e-mail setting sent empty', false)))
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
