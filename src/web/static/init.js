import { initAll } from '/static/govuk-frontend.min.js'
initAll()

// A table's scroll region (src/web/table-scroll.ts) is a named, focusable region only while the
// table is wider than it: a table that fits is no extra tab stop or landmark. Without JavaScript
// every region stays focusable.
const regions = document.querySelectorAll('.gt-table-scroll')
if (regions.length > 0 && 'ResizeObserver' in window) {
  const update = (region) => {
    const scrolls = region.scrollWidth > region.clientWidth + 1
    if (!region.dataset.label) region.dataset.label = region.getAttribute('aria-label') ?? ''
    if (scrolls) {
      region.setAttribute('role', 'region')
      region.setAttribute('aria-label', region.dataset.label)
      region.tabIndex = 0
    } else if (region.hasAttribute('tabindex') && region !== document.activeElement) {
      region.removeAttribute('role')
      region.removeAttribute('aria-label')
      region.removeAttribute('tabindex')
    }
  }
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) update(entry.target)
  })
  for (const region of regions) observer.observe(region)
}
