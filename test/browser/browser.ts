import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import axe from 'axe-core'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type Response,
} from 'playwright-core'
import type { Role } from '../../src/db/schema.ts'
import { buildDemoCouncil, DEMO_PASSWORD, DEMO_PEOPLE } from '../../src/features/demo/index.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

export const CHROMIUM = '/usr/bin/chromium'

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : 'Chromium is not installed: apt-get install chromium (browser tests skipped)'
}

/** The system Chromium: browsers are never downloaded. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/**
 * A browser context with axe-core in every page. An init script is not bound by the page's CSP
 * (which refuses inline scripts without a nonce) and costs less than injecting axe per page.
 */
export async function newAxeContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  await context.addInitScript({ content: axe.source })
  return context
}

export interface Site {
  readonly baseUrl: string
  readonly ctx: TestContext
  close(): Promise<void>
}

/** The real app on a free local port, over a fresh database holding the demo council. */
export async function startDemoSite(): Promise<Site> {
  const ctx = await createTestContext('pglite')
  await buildDemoCouncil(ctx.database.db)
  const app = await ctx.app()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}`, ctx, close: () => ctx.close() }
}

export function demoPerson(role: Role): { name: string; email: string } {
  const person = DEMO_PEOPLE.find((p) => p.role === role)
  if (!person) throw new Error(`the demo council has nobody with the role ${role}`)
  return person
}

/** Signs in through the real form, as a person would. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${baseUrl}/`)
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** axe's WCAG 2.2 AA violations on the page, one readable line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  const violations = await page.evaluate(
    // Runs in the page, where `axe` is the global that newAxeContext's init script defined.
    async (values) =>
      (
        await axe.run(document, {
          runOnly: { type: 'tag', values },
          resultTypes: ['violations'],
        })
      ).violations,
    WCAG_TAGS,
  )
  return violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'no impact'}): ${v.help} at ${v.nodes
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  )
}

/** Structure every page needs: one h1, a title, a working skip link reached by the first Tab. */
export async function structureProblems(
  page: Page,
  options: { tab?: boolean } = {},
): Promise<string[]> {
  const facts = await page.evaluate(() => ({
    h1s: document.querySelectorAll('h1').length,
    title: document.title.trim(),
    skipHref: document.querySelector('a.govuk-skip-link')?.getAttribute('href') ?? null,
    mainContent: document.getElementById('main-content') !== null,
  }))
  const problems: string[] = []
  if (facts.h1s !== 1) problems.push(`has ${facts.h1s} h1 elements, not one`)
  if (facts.title === '') problems.push('has an empty <title>')
  if (facts.skipHref !== '#main-content') problems.push('has no skip link to #main-content')
  if (!facts.mainContent) problems.push('has no #main-content for the skip link')
  if (options.tab ?? true) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(
      () => document.activeElement?.matches('a.govuk-skip-link') ?? false,
    )
    if (!focused) problems.push('does not focus the skip link on the first Tab')
  }
  return problems
}

/** axe's violations and the structure problems of a page, each line prefixed with where it was. */
export async function problemsOn(page: Page, where: string, tab = true): Promise<string[]> {
  const found = [...(await axeViolations(page)), ...(await structureProblems(page, { tab }))]
  return found.map((p) => `${where}: ${p}`)
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi
const ISO_DATE = /\d{4}-\d{2}-\d{2}/g
const DOWNLOAD = /\.(csv|json|xlsx|docx|pdf)$/i

/** Pages that differ only by record id, date or query values share a pattern: /units/:id. */
export function urlPattern(url: URL): string {
  const path = url.pathname.replace(UUID, ':id').replace(ISO_DATE, ':date')
  const keys = [...new Set(url.searchParams.keys())].sort()
  return keys.length ? `${path}?${keys.join('&')}` : path
}

/** Same-site pages worth visiting: not the API, assets, downloads or signing out. */
function isCrawlable(url: URL, origin: string): boolean {
  return (
    url.origin === origin &&
    !url.pathname.startsWith('/api/') &&
    !url.pathname.startsWith('/static/') &&
    !DOWNLOAD.test(url.pathname) &&
    !url.pathname.includes('sign-out')
  )
}

/**
 * Visits every page reachable from `start` by following links breadth first, at most
 * `perPattern` pages of each URL pattern, and hands each HTML page to `visit`.
 */
export async function crawl(
  page: Page,
  start: string,
  visit: (response: Response) => Promise<void>,
  options: { perPattern: number; maxPages: number },
): Promise<string[]> {
  const origin = new URL(start).origin
  const queue = [start]
  const seen = new Set(queue)
  const perPattern = new Map<string, number>()
  const visited: string[] = []
  for (let url = queue.shift(); url && visited.length < options.maxPages; url = queue.shift()) {
    const pattern = urlPattern(new URL(url))
    const count = perPattern.get(pattern) ?? 0
    if (count >= options.perPattern) continue
    perPattern.set(pattern, count + 1)

    const response = await gotoPage(page, url)
    if (!response?.headers()['content-type']?.startsWith('text/html')) continue
    visited.push(url)
    await visit(response)

    const links = await page.$$eval('a[href]:not([download])', (anchors) =>
      anchors.map((a) => (a as HTMLAnchorElement).href),
    )
    for (const link of links) {
      const next = new URL(link)
      next.hash = ''
      if (isCrawlable(next, origin) && !seen.has(next.href)) {
        seen.add(next.href)
        queue.push(next.href)
      }
    }
  }
  return visited
}

/** Navigates, treating a link that turns out to be a download as no page at all. */
async function gotoPage(page: Page, url: string): Promise<Response | null> {
  try {
    return await page.goto(url)
  } catch (error) {
    if (error instanceof Error && error.message.includes('Download is starting')) return null
    throw error
  }
}

export interface FoundForm {
  readonly pageUrl: string
  readonly index: number
  readonly action: string
}

/**
 * Forms that should refuse to be sent empty: adding and editing, the batch of my updates, a
 * reply, and the destructive actions that need their reason (cancelling, withdrawing).
 */
const REFUSES_EMPTY = /\/(new|edit|cancel|withdraw|reply)$|^\/my-updates$|^\/risks\/[^/]+\/close$/

/** The forms on the page which should refuse to be sent empty. */
export async function dataFormsOn(page: Page): Promise<FoundForm[]> {
  const forms = await page.$$eval('form', (all) =>
    all.map((form, index) => ({ index, method: form.method, action: form.action })),
  )
  return forms
    .filter((f) => f.method === 'post' && REFUSES_EMPTY.test(new URL(f.action).pathname))
    .map((f) => ({ pageUrl: page.url(), index: f.index, action: f.action }))
}

/**
 * Reflow (WCAG 1.4.10): the page in view, narrowed to 320 CSS px (which is also 1,280 px at 400%
 * zoom), must not scroll sideways. The same page is resized rather than loaded again, and put
 * back to its width after.
 */
export async function reflowProblems(page: Page): Promise<string[]> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 720 }
  await page.setViewportSize({ width: 320, height: viewport.height })
  const wide = await page.evaluate(() => {
    const root = document.documentElement
    if (root.scrollWidth <= root.clientWidth) return null
    // The outermost elements that stick out, to say what to fix.
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => {
        const parent = el.parentElement
        return (
          el.getBoundingClientRect().right > root.clientWidth + 1 &&
          parent !== null &&
          parent.getBoundingClientRect().right <= root.clientWidth + 1
        )
      })
      .slice(0, 3)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`,
      )
    return `${root.scrollWidth} px wide: ${culprits.join(', ')}`
  })
  await page.setViewportSize(viewport)
  return wide ? [`scrolls sideways at 320 px (${wide})`] : []
}

/**
 * The error summary on the page in view: each link must move focus to a field (not a paragraph
 * or a group), each problem is listed once, and each says the same as the message at its field.
 */
export async function errorSummaryProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = []
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.govuk-error-summary a')]
    const texts = links.map((a) => a.textContent.trim())
    for (const [i, text] of texts.entries()) {
      if (texts.indexOf(text) !== i) problems.push(`error summary lists "${text}" twice`)
    }
    const targets = links.map((a) => decodeURIComponent((a.getAttribute('href') ?? '').slice(1)))
    if (new Set(targets).size !== targets.length)
      problems.push('error summary has two messages for one field')
    for (const [i, link] of links.entries()) {
      const id = targets[i] ?? ''
      const target = document.getElementById(id)
      link.click()
      const field = 'input:not([type=hidden]), select, textarea, button'
      if (!target?.matches(field) || document.activeElement !== target) {
        problems.push(
          `error summary link "${texts[i]}" to #${id} does not focus a field (${target ? target.tagName.toLowerCase() : 'no such element'})`,
        )
        continue
      }
      // The message at the field: in the nearest form group that has one.
      let group: Element | null = target.closest('.govuk-form-group')
      while (group && !group.querySelector('.govuk-error-message')) {
        group = group.parentElement?.closest('.govuk-form-group') ?? null
      }
      const inline = group?.querySelector('.govuk-error-message')?.textContent ?? ''
      const words = inline.replace(/^\s*Error:\s*/, '').trim()
      if (words !== texts[i]) {
        problems.push(`error summary says "${texts[i]}" but the field says "${words}"`)
      }
    }
    return problems
  })
}

/**
 * Opens the form's page, blanks every field a person fills in (hidden fields such as the CSRF
 * token stay) and sends it, returning the response to the submission.
 */
export async function submitEmpty(page: Page, form: FoundForm): Promise<Response> {
  await page.goto(form.pageUrl)
  const element = page.locator('form').nth(form.index)
  await element.evaluate((f) => {
    for (const field of f.querySelectorAll('input, textarea, select')) {
      if (field instanceof HTMLInputElement) {
        if (field.type === 'checkbox' || field.type === 'radio') field.checked = false
        else if (!['hidden', 'submit', 'button', 'image', 'reset'].includes(field.type))
          field.value = ''
      } else if (field instanceof HTMLTextAreaElement) {
        field.value = ''
      } else if (field instanceof HTMLSelectElement) {
        const blank = [...field.options].findIndex((o) => o.value === '')
        if (blank >= 0) field.selectedIndex = blank
      }
    }
  })
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest()),
    element.locator('button[type=submit]').first().click(),
  ])
  await page.waitForLoadState()
  return response
}
