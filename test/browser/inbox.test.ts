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
  type Site,
} from './browser.ts'

/**
 * The monthly cycle through the inbox, as the demo council's people live it: the data-entry
 * officer sees what is due on the home page and submits; the approver is told at once and
 * approves from the inbox; the performance team queries a value; the director reads the
 * exception view without opening any item. axe on every page.
 */
describe('the inbox in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser
  let problems: string[] = []

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  async function as(role: Parameters<typeof demoPerson>[0]): Promise<Page> {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson(role).email)
    return page
  }

  it('takes a value from the officer’s home page to the approver’s inbox, approved in bulk', async () => {
    problems = []
    const officer = await as('data_entry')
    const home = (await officer.locator('main').textContent()) ?? ''
    assert.match(home, /Your tasks \(\d+\)/)
    assert.match(home, /Values to enter/)
    assert.match(home, /WS01: Household waste sent for reuse, recycling and composting/)
    assert.match(home, /values overdue/)
    const nav = officer.locator('.govuk-service-navigation a[href="/tasks"]')
    assert.match((await nav.textContent()) ?? '', /^\s*Your tasks \(\d+\)\s*$/)
    problems.push(...(await problemsOn(officer, 'data-entry home')))

    await officer.goto(`${site.baseUrl}/`)
    await officer.getByRole('link', { name: /^WS01: Household waste/ }).click()
    await officer.waitForURL(/\/my-updates/)
    const row = officer.locator('fieldset', { hasText: 'WS01: Household waste' })
    await row.locator('input[name$=".value"]').fill('41.5')
    await row
      .locator('textarea')
      .fill('Contamination in the dry recycling rose after the round changes')
    await officer.getByRole('button', { name: 'Submit for approval' }).click()
    await officer.waitForURL(`${site.baseUrl}/my-updates`)
    assert.match(
      (await officer.locator('.govuk-notification-banner').textContent()) ?? '',
      /1 value sent for approval/,
    )
    problems.push(...(await problemsOn(officer, 'my updates after submitting', false)))
    await officer.context().close()

    const approver = await as('approver')
    // Told at once: the notice is there the moment the officer submitted, no daily run needed.
    await approver.goto(`${site.baseUrl}/notifications`)
    const notices = (await approver.locator('main table').textContent()) ?? ''
    assert.match(notices, /WS01 2026\/27 Q2 is waiting for your approval/)
    problems.push(...(await problemsOn(approver, 'approver notifications')))

    await approver.goto(`${site.baseUrl}/tasks`)
    problems.push(...(await problemsOn(approver, 'approver tasks')))
    // Loaded afresh: the Tab to the skip link above shifts the page as focus leaves it.
    await approver.goto(`${site.baseUrl}/tasks`)
    const choice = approver.locator('label', { hasText: /^WS01: Household waste/ })
    await choice.click()
    assert.equal(await approver.getByLabel(/^WS01: Household waste/).isChecked(), true)
    await approver.getByRole('button', { name: 'Approve selected' }).click()
    await approver.waitForURL(`${site.baseUrl}/tasks/approve`)
    assert.match(
      (await approver.locator('main ul').first().textContent()) ?? '',
      /WS01 2026\/27 Q2/,
    )
    problems.push(...(await problemsOn(approver, 'confirm approval')))
    // A result of a POST cannot be reloaded: leave the skip link so the page settles back.
    await approver.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur()
    })
    await approver.getByRole('button', { name: 'Approve all 1' }).click()
    await approver.waitForURL(`${site.baseUrl}/tasks`)
    assert.match(
      (await approver.locator('.govuk-notification-banner').textContent()) ?? '',
      /Approved 1 item: WS01 2026\/27 Q2/,
    )
    assert.equal(await approver.getByLabel(/^WS01: Household waste/).count(), 0)
    problems.push(...(await problemsOn(approver, 'approver tasks after approving', false)))
    await approver.context().close()
    assert.deepEqual(problems, [])
  })

  it('lets the performance team query a value, and the thread is kept with it', async () => {
    problems = []
    const team = await as('performance_officer')
    const ws02 = await site.ctx.database.db
      .selectFrom('measures')
      .select('id')
      .where('code', '=', 'WS02')
      .executeTakeFirstOrThrow()
    await team.goto(`${site.baseUrl}/measures/${ws02.id}`)
    await team.getByRole('link', { name: 'Query this as a critical friend' }).click()
    problems.push(...(await problemsOn(team, 'raise a query')))
    await team.reload()
    await team.getByRole('button', { name: 'Send the query' }).click()
    assert.equal(await team.locator('.govuk-error-summary').count(), 1, 'empty comment refused')
    problems.push(...(await problemsOn(team, 'raise a query, empty', false)))
    await team.getByLabel('Your comment').fill('Is the fall in missed bins down to the new rounds?')
    await team.getByRole('button', { name: 'Send the query' }).click()
    await team.waitForURL(/\/queries\//)
    assert.match((await team.locator('main').textContent()) ?? '', /fall in missed bins/)
    problems.push(...(await problemsOn(team, 'query thread', false)))
    await team.context().close()
    assert.deepEqual(problems, [])
  })

  it('shows the director each exception’s value, target, status, direction and commentary', async () => {
    problems = []
    const director = await as('viewer')
    await director.goto(`${site.baseUrl}/dashboards/exceptions`)
    const rows = director.locator('main tbody tr')
    const measureRow = rows.filter({ hasText: 'HO01: Households in temporary accommodation' })
    const text = (await measureRow.textContent()) ?? ''
    assert.match(text, /Value for [^:]+: [\d,.]+/)
    assert.match(text, /target [\d,.]+/)
    assert.match(text, /Status: Red/)
    assert.match(text, /Commentary: \S+/)
    const saving = (await rows.filter({ hasText: 'ECP-01' }).textContent()) ?? ''
    assert.equal(saving.match(/delivered to date/g)?.length, 1, 'savings said once')
    problems.push(...(await problemsOn(director, 'exceptions')))
    await director.context().close()
    assert.deepEqual(problems, [])
  })
})
