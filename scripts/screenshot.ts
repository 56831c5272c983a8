// Takes the README screenshots from the demo council: `npx node scripts/screenshot.ts`.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  chromiumMissing,
  demoPerson,
  launchBrowser,
  signIn,
  startDemoSite,
} from '../test/browser/browser.ts'

const missing = chromiumMissing()
if (missing) {
  console.error(missing)
  process.exit(1)
}

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
mkdirSync(out, { recursive: true })

const [site, browser] = await Promise.all([startDemoSite(), launchBrowser()])
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  await signIn(page, site.baseUrl, demoPerson('performance_officer').email)
  for (const [path, name] of [
    ['/', 'home'],
    ['/people', 'people'],
  ] as const) {
    await page.goto(`${site.baseUrl}${path}`)
    await page.screenshot({ path: `${out}${name}.png` })
    console.log(`Saved docs/screenshots/${name}.png`)
  }
} finally {
  await browser.close()
  await site.close()
}
