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

/**
 * The thread reaching people in the demo council: Gareth agrees Sam's objectives and signs off
 * Lee's year, Sam sees the path from an objective to the City Plan, and the performance team
 * reads the cycle's figures. Every page, and each form sent empty, passes axe.
 */
describe('appraisals in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  async function follow(page: Page, name: string | RegExp) {
    const href = await page.getByRole('link', { name }).first().getAttribute('href')
    assert.ok(href, `a link "${String(name)}" on ${page.url()}`)
    const response = await page.goto(new URL(href, page.url()).href)
    assert.equal(response?.status(), 200, String(name))
    return new URL(page.url()).pathname
  }

  /** Presses a form's button on a freshly opened page (axe's checks leave the page inert). */
  async function press(page: Page, name: string) {
    await page.goto(page.url())
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name }).click()])
  }

  it('lets a manager agree objectives and sign off a year, each page passing axe', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('approver').email)
    const problems: string[] = []
    await page.goto(`${site.baseUrl}/appraisals`)
    problems.push(...(await problemsOn(page, 'appraisals')))
    await follow(page, /See your team’s objectives/)
    assert.match((await page.locator('main').textContent()) ?? '', /No one is working on this/)
    problems.push(...(await problemsOn(page, 'team')))

    await page.goto(`${site.baseUrl}/appraisals`)
    const sams = await follow(page, 'Sam Okafor')
    problems.push(...(await problemsOn(page, 'Sam’s appraisal')))
    assert.match(
      (await page.locator('#objectives ~ .govuk-summary-card').first().textContent()) ?? '',
      /City Plan/,
    )
    await press(page, 'Agree these objectives')
    assert.match(
      (await page.locator('.govuk-notification-banner').textContent()) ?? '',
      /Objectives agreed/,
    )
    assert.equal(new URL(page.url()).pathname, sams)

    // The corporate dashboard's "Appraisals completed" tile, this quarter to date.
    const completedTile = async () => {
      await page.goto(`${site.baseUrl}/dashboards/corporate`)
      const tile = page.locator('li.gt-tile', { hasText: 'ORG-PDR-DONE: Appraisals completed' })
      assert.match((await tile.textContent()) ?? '', /to date, provisional/)
      return (await tile.locator('.gt-tile__value').textContent())?.trim() ?? ''
    }
    const completedBefore = await completedTile()

    // Lee's last year waits in the inbox for sign-off.
    await page.goto(`${site.baseUrl}/tasks`)
    const lees = await follow(page, /sign off Lee Turner’s year-end review/)
    assert.match((await page.locator('h1').textContent()) ?? '', /2025\/26|\d{4}\/\d{2}/)
    await press(page, 'Sign off the year')
    assert.match(
      (await page.locator('.govuk-notification-banner').textContent()) ?? '',
      /signed off/,
    )
    assert.equal(new URL(page.url()).pathname, lees)
    // The success banner takes focus; the page without it must reach the skip link first.
    problems.push(...(await problemsOn(page, 'Lee’s appraisal signed off', false)))
    await page.goto(page.url())
    problems.push(...(await problemsOn(page, 'Lee’s appraisal')))
    // The sign-off moved the tile: one more of the cycle's staff completed.
    const completedAfter = await completedTile()
    assert.match(completedAfter, /^\d+(\.\d)?%$/)
    assert.ok(
      Number.parseFloat(completedAfter) > Number.parseFloat(completedBefore),
      `${completedBefore} → ${completedAfter}`,
    )

    // The review form, and the objective form sent empty.
    await page.goto(`${site.baseUrl}${sams}/mid-year`)
    problems.push(...(await problemsOn(page, 'mid-year review form')))
    const review = await submitEmpty(page, {
      pageUrl: `${site.baseUrl}${sams}/mid-year`,
      index: (await page.locator('form').count()) - 1,
      action: `${sams}/mid-year`,
    })
    assert.equal(review.status(), 400)
    problems.push(...(await problemsOn(page, 'mid-year review sent empty', false)))
    await page.goto(`${site.baseUrl}${sams}/objectives/new`)
    problems.push(...(await problemsOn(page, 'objective form')))
    const objective = await submitEmpty(page, {
      pageUrl: `${site.baseUrl}${sams}/objectives/new`,
      index: (await page.locator('form').count()) - 1,
      action: `${sams}/objectives/new`,
    })
    assert.equal(objective.status(), 400)
    assert.equal(await page.locator('.govuk-error-summary a[href="#nodeId"]').count(), 1)
    problems.push(...(await problemsOn(page, 'objective form sent empty', false)))
    assert.deepEqual(problems, [])
    await page.context().close()
  })

  it('shows a member of staff their path to the City Plan, and the team the cycle', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('data_entry').email)
    const problems: string[] = []
    await page.goto(`${site.baseUrl}/appraisals`)
    await follow(page, /appraisal$/)
    const text = (await page.locator('main').textContent()) ?? ''
    assert.match(text, /City Plan 2024–2029/)
    assert.match(text, /Waste Collection Team Plan/)
    problems.push(...(await problemsOn(page, 'own appraisal')))
    await page.context().close()

    const team = await (await newAxeContext(browser)).newPage()
    await signIn(team, site.baseUrl, demoPerson('performance_officer').email)
    await team.goto(`${site.baseUrl}/appraisal-cycles`)
    problems.push(...(await problemsOn(team, 'cycles')))
    // Last year's cycle, whose year-end ratings are in.
    const years = await team.getByRole('link', { name: /^\d{4}\/\d{2}$/ }).all()
    const last = await years.at(-1)?.getAttribute('href')
    assert.ok(last)
    await team.goto(`${site.baseUrl}${last}`)
    assert.match((await team.locator('main').textContent()) ?? '', /fewer than 5|withheld/)
    problems.push(...(await problemsOn(team, 'cycle figures')))
    await team.goto(`${site.baseUrl}/appraisal-cycles/new`)
    problems.push(...(await problemsOn(team, 'open a cycle')))
    const sent = await submitEmpty(team, {
      pageUrl: `${site.baseUrl}/appraisal-cycles/new`,
      index: (await team.locator('form').count()) - 1,
      action: '/appraisal-cycles/new',
    })
    assert.equal(sent.status(), 400)
    problems.push(...(await problemsOn(team, 'open a cycle sent empty', false)))
    assert.deepEqual(problems, [])
    await team.context().close()
  })
})
