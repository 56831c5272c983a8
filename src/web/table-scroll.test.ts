import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { wrapTables } from './table-scroll.ts'

describe('wrapTables', () => {
  it('wraps a GOV.UK table in a focusable region named after its caption', () => {
    const html =
      '<p>x</p><table class="govuk-table"><caption class="govuk-table__caption">Risks <span class="govuk-visually-hidden">&quot;open&quot;</span></caption><tr><td>1</td></tr></table><p>y</p>'
    assert.equal(
      wrapTables(html),
      '<p>x</p><div class="gt-table-scroll" role="region" aria-label="Risks &quot;open&quot;" tabindex="0"><table class="govuk-table"><caption class="govuk-table__caption">Risks <span class="govuk-visually-hidden">&quot;open&quot;</span></caption><tr><td>1</td></tr></table></div><p>y</p>',
    )
  })

  it('names a table without a caption after the heading before it, and keeps nested tables whole', () => {
    const html =
      '<h2 class="govuk-heading-m" id="a">Actions</h2><table class="govuk-table x"><tr><td><table class="govuk-table"><tr><td>in</td></tr></table></td></tr></table>'
    const out = wrapTables(html)
    assert.match(
      out,
      /^<h2[^>]*>Actions<\/h2><div class="gt-table-scroll" role="region" aria-label="Table: Actions" tabindex="0"><table class="govuk-table x">/,
    )
    assert.equal(out.match(/gt-table-scroll/g)?.length, 1)
    assert.ok(out.endsWith('</table></td></tr></table></div>'))
  })

  it('leaves other tables, opted-out tables and tables already wrapped alone', () => {
    const html =
      '<table class="plain"><tr><td>1</td></tr></table><table class="govuk-table" data-no-scroll><tr></tr></table><div class="gt-table-scroll" role="region" aria-label="T" tabindex="0"><table class="govuk-table"></table></div>'
    assert.equal(wrapTables(html), html)
    assert.equal(wrapTables('<table class="govuk-table">'), '<table class="govuk-table">')
  })
})
