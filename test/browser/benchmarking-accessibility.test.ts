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

/** Benchmarking pages of the demo council, with its generated peer network, under axe. */
describe('benchmarking in the browser', { skip: chromiumMissing() }, () => {
  let site: Site
  let browser: Browser

  before(async () => {
    ;[site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
  })
  after(async () => {
    await browser.close()
    await site.close()
  })

  it('passes axe on the benchmarking, source, group, match and measure pages and the public comparison', async () => {
    const page = await (await newAxeContext(browser)).newPage()
    await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
    const problems: string[] = []
    await page.goto(`${site.baseUrl}/benchmarking`)
    assert.match(await page.locator('main').innerText(), /WS01: Household waste/)
    problems.push(...(await problemsOn(page, 'benchmarking')))
    const go = async (name: RegExp) => {
      const href = await page.getByRole('link', { name }).first().getAttribute('href')
      // Without the fragment: the skip-link check starts from the top of the page.
      await page.goto(`${site.baseUrl}${(href ?? '').split('#')[0] ?? ''}`)
    }
    await go(/Example peer network/)
    assert.match(await page.locator('main').innerText(), /Family Group 2/)
    problems.push(...(await problemsOn(page, 'benchmark source')))
    await page.goto(`${page.url()}/remove`)
    assert.match(await page.locator('h1').innerText(), /^Remove Example peer network/)
    problems.push(...(await problemsOn(page, 'remove a source')))

    await page.goto(`${site.baseUrl}/benchmarking/sources/new`)
    problems.push(...(await problemsOn(page, 'source form')))
    const response = await submitEmpty(page, {
      pageUrl: `${site.baseUrl}/benchmarking/sources/new`,
      index: (await page.locator('form').count()) - 1,
      action: '/benchmarking/sources/new',
    })
    assert.equal(response.status(), 400, 'source form sent empty')
    problems.push(...(await problemsOn(page, 'source form sent empty', false)))
    await page.goto(`${site.baseUrl}/benchmarking/groups/new`)
    problems.push(...(await problemsOn(page, 'group form')))

    await page.goto(`${site.baseUrl}/benchmarking`)
    await go(/^WS01/)
    assert.match(await page.locator('#how-we-compare ~ p').first().innerText(), /of 8/)
    problems.push(...(await problemsOn(page, 'measure page with How we compare')))
    await go(/^Match WS01/)
    assert.match(
      await page.locator('main').innerText(),
      /No: Units differ|Yes: units and polarity agree/,
    )
    problems.push(...(await problemsOn(page, 'match page')))

    await page.goto(`${site.baseUrl}/public/example-city/measures/WS01`)
    assert.match(await page.locator('main').innerText(), /How we compare/)
    problems.push(...(await problemsOn(page, 'public measure page with its comparison')))
    assert.deepEqual(problems, [])
    await page.context().close()
  })
})
