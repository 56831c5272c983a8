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
  type Site,
} from './browser.ts'

/** Tile labels of the edit page's table, in order. */
function tileLabels(page: Page): Promise<string[]> {
  return page.$$eval('tr[data-tile-id]', (rows) =>
    rows.map((r) => r.getAttribute('data-label') ?? ''),
  )
}

/** A tile's Up, Down or Remove button, found by the tile's label. */
function tileButton(
  page: Page,
  action: 'up' | 'down' | 'remove',
  label: string | null | undefined,
) {
  return page.locator(`tr[data-label="${label ?? ''}"] button[data-action="${action}"]`)
}

/** The personal dashboard editor with and without JavaScript, as a director would use it. */
describe('changing a personal dashboard in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  async function newDashboard(page: Page, title: string) {
    await page.goto(`${site.baseUrl}/dashboards/new`)
    await page.getByLabel('Title').fill(title)
    await page.getByRole('button', { name: 'Create and add tiles' }).click()
    await page.waitForURL(/\/dashboards\/[0-9a-f-]+\/edit$/)
  }

  it('with JavaScript: finds, adds, moves and removes tiles without leaving the page', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('viewer').email)
    await newDashboard(page, 'My morning check')
    // A value the page keeps only as long as it is not reloaded or left.
    await page.evaluate(() => Object.assign(window, { stillHere: true }))
    const stillHere = () => page.evaluate(() => 'stillHere' in window)
    const status = page.locator('#gt-edit-status')

    // Choosing a kind offers only that kind's items; the search box narrows them.
    await page.getByLabel('A measure').check()
    assert.equal(await page.locator('[data-gt-group="list"]').isVisible(), false)
    const kinds = await page.$$eval('#itemId option[data-kind]', (options) => [
      ...new Set(options.map((o) => o.getAttribute('data-kind'))),
    ])
    assert.deepEqual(kinds, ['measure'])
    await page.getByLabel('Find by code or words in the title').fill('BE01')
    await page.waitForFunction(
      () => document.querySelectorAll('#itemId option[data-kind]').length === 1,
    )
    assert.match(
      (await page.locator('#itemFilter-count').textContent()) ?? '',
      /^Showing 1 of \d+ measures$/,
    )
    const option = page.locator('#itemId option[data-kind]')
    await page.locator('#itemId').selectOption((await option.getAttribute('value')) ?? '')
    await page.getByRole('button', { name: 'Add tile' }).click()
    await page.waitForFunction(() => document.querySelectorAll('tr[data-tile-id]').length === 1)
    assert.match((await tileLabels(page))[0] ?? '', /BE01/)
    await assert.doesNotReject(status.filter({ hasText: /BE01.* added: 1 tile$/ }).waitFor())

    // A list tile: the item list gives way to the list of lists.
    await page.getByLabel('A list').check()
    assert.equal(await page.locator('[data-gt-group="item"]').isVisible(), false)
    await page.getByLabel('List', { exact: true }).selectOption({ label: 'What needs attention' })
    await page.getByRole('button', { name: 'Add tile' }).click()
    await page.waitForFunction(() => document.querySelectorAll('tr[data-tile-id]').length === 2)

    // A risk, found by words of its title.
    await page.getByLabel('A risk').check()
    const risk = await page.$eval('#itemId option[data-kind="risk"]', (o) => o.textContent)
    const words = risk.split(':')[1]?.trim().split(' ').slice(0, 2).join(' ') ?? ''
    await page.getByLabel('Find by code or words in the title').fill(words.toUpperCase())
    await page.waitForFunction(
      (text) =>
        [...document.querySelectorAll('#itemId option')].some((o) => o.textContent === text),
      risk,
    )
    await page.locator('#itemId').selectOption({ label: risk })
    await page.getByRole('button', { name: 'Add tile' }).click()
    await page.waitForFunction(() => document.querySelectorAll('tr[data-tile-id]').length === 3)
    const added = await tileLabels(page)
    assert.equal(added[2], risk)

    // Up: the risk moves to second, the Up button keeps focus, the move is announced.
    await tileButton(page, 'up', risk).click()
    await page.waitForFunction(
      (text) =>
        document.querySelectorAll('tr[data-tile-id]')[1]?.getAttribute('data-label') === text,
      risk,
    )
    assert.deepEqual(await tileLabels(page), [added[0], added[2], added[1]])
    await status.filter({ hasText: /moved up: now 2 of 3$/ }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `Up: ${risk}`)
    // Keyboard: Enter on the focused button moves it again; it is now first and has no Up.
    await page.keyboard.press('Enter')
    await status.filter({ hasText: /moved up: now 1 of 3$/ }).waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), `Down: ${risk}`)

    // Remove: the row goes, focus moves to the next tile's first button.
    await tileButton(page, 'remove', risk).click()
    await status.filter({ hasText: /removed: 2 tiles left$/ }).waitFor()
    assert.deepEqual(await tileLabels(page), [added[0], added[1]])
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-label')),
      added[0],
    )

    // Sending the form empty: the server's error summary, focused, on the same page.
    await page.getByLabel('Find by code or words in the title').fill('')
    await page.getByRole('button', { name: 'Add tile' }).click()
    await page.locator('.govuk-error-summary').waitFor()
    assert.equal(
      await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')),
      true,
    )
    assert.equal(await stillHere(), true, 'no page load')
    assert.deepEqual(await axeViolations(page), [])

    // What was changed is saved: a reload shows the same tiles.
    await page.reload()
    assert.deepEqual(await tileLabels(page), [added[0], added[1]])
    assert.deepEqual(await axeViolations(page), [])
  })

  it('without JavaScript: every button is a form that posts and comes back', async () => {
    const context = await newAxeContext(browser, { javaScriptEnabled: false })
    const page = await context.newPage()
    await signIn(page, site.baseUrl, demoPerson('viewer').email)
    await newDashboard(page, 'Plain forms')
    assert.equal(await page.locator('#itemFilter').count(), 0, 'no search box without scripts')
    for (const list of ['What needs attention', 'Programmes']) {
      await page.getByLabel('A list').check()
      await page.getByLabel('List', { exact: true }).selectOption({ label: list })
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Add tile' }).click(),
      ])
    }
    const labels = await tileLabels(page)
    assert.equal(labels.length, 2)
    await Promise.all([page.waitForEvent('load'), tileButton(page, 'up', labels[1]).click()])
    assert.deepEqual(await tileLabels(page), [labels[1], labels[0]])
    await Promise.all([page.waitForEvent('load'), tileButton(page, 'remove', labels[0]).click()])
    assert.deepEqual(await tileLabels(page), [labels[1]])
    await context.close()
  })
})
