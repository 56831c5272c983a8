// Changing a dashboard, nicer with JavaScript. Without it every button is an ordinary form that
// posts and comes back to the page; with it the same forms post in the background, the page's
// main content is swapped for the server's answer, focus stays where the person was and a status
// message says what changed. The "Add a tile" form offers only the items of the kind chosen, with
// a box to find one by code or title.
import { initAll } from '/static/govuk-frontend.min.js'

const main = document.getElementById('main-content')
const dashboardId = main?.querySelector('[data-gt-edit]')?.getAttribute('data-gt-edit')

/** A polite live region outside the swapped content, so what is said is not lost in the swap. */
const status = document.createElement('div')
status.className = 'govuk-visually-hidden'
status.setAttribute('role', 'status')
status.id = 'gt-edit-status'
document.body.append(status)

function say(message) {
  status.textContent = ''
  // A fresh text node after a tick is announced even when the words are the same as last time.
  window.setTimeout(() => {
    status.textContent = message
  }, 50)
}

function rowOf(tileId, root = main) {
  return root.querySelector(`tr[data-tile-id="${CSS.escape(tileId)}"]`)
}

function positionOf(tileId) {
  const rows = [...main.querySelectorAll('tr[data-tile-id]')]
  const index = rows.findIndex((r) => r.getAttribute('data-tile-id') === tileId)
  return { index: index + 1, count: rows.length }
}

/** What to say and where to put focus once the server has answered a form of this page. */
function afterSuccess(form, submitter, before) {
  const kind = form.getAttribute('data-gt-enhance')
  const tileId = form.getAttribute('data-tile-id')
  if (kind === 'move' && tileId) {
    const { index, count } = positionOf(tileId)
    const direction = form.getAttribute('data-move')
    const row = rowOf(tileId)
    // The same button again if it is still there (the tile may now be first or last).
    const button =
      row?.querySelector(`button[data-action="${direction}"]`) ?? row?.querySelector('button')
    button?.focus()
    return `${before.label} moved ${direction}: now ${index} of ${count}`
  }
  if (kind === 'remove' && tileId) {
    // Focus the next tile's first button, or the previous one's, or the table itself.
    const next = before.next && rowOf(before.next)
    const previous = before.previous && rowOf(before.previous)
    const target =
      (next ?? previous)?.querySelector('button') ?? main.querySelector('#tiles-caption')
    target?.focus()
    const { count } = positionOf('')
    return `${before.label} removed: ${count} ${count === 1 ? 'tile' : 'tiles'} left`
  }
  if (kind === 'add') {
    const rows = main.querySelectorAll('tr[data-tile-id]')
    const added = rows[rows.length - 1]
    main.querySelector('#add-tile')?.focus()
    return `${added?.getAttribute('data-label') ?? 'Tile'} added: ${rows.length} ${rows.length === 1 ? 'tile' : 'tiles'}`
  }
  submitter?.focus()
  return 'Saved'
}

/** Facts about the form's tile taken before the page changes. */
function beforeSwap(form) {
  const tileId = form.getAttribute('data-tile-id')
  const row = tileId ? rowOf(tileId) : null
  return {
    label: row?.getAttribute('data-label') ?? '',
    next: row?.nextElementSibling?.getAttribute('data-tile-id') ?? null,
    previous: row?.previousElementSibling?.getAttribute('data-tile-id') ?? null,
  }
}

async function send(form, submitter) {
  const before = beforeSwap(form)
  const buttons = [...form.querySelectorAll('button')]
  buttons.forEach((b) => b.setAttribute('aria-disabled', 'true'))
  let response
  try {
    response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form, submitter ?? undefined)),
      credentials: 'same-origin',
      headers: { accept: 'text/html' },
    })
  } catch {
    buttons.forEach((b) => b.removeAttribute('aria-disabled'))
    say('Not saved: the connection failed. Check it and try again.')
    return
  }
  const html = await response.text()
  const page = new DOMParser().parseFromString(html, 'text/html')
  const next = page.getElementById('main-content')
  const sameEditPage = next?.querySelector(`[data-gt-edit="${CSS.escape(dashboardId ?? '')}"]`)
  if (!sameEditPage || (!response.ok && response.status !== 400)) {
    // Anything but this page again (signed out, no longer allowed, gone): show it as it is.
    window.location.assign(response.ok ? response.url : window.location.href)
    return
  }
  main.replaceChildren(...[...next.childNodes].map((n) => document.adoptNode(n)))
  document.title = page.title
  initAll({ scope: main })
  enhanceAddForm()
  if (response.status === 400) {
    // The error summary takes focus (govuk-frontend does that as it starts).
    say('There is a problem: the errors are listed at the top of the page')
    return
  }
  say(afterSuccess(form, submitter, before))
}

main?.addEventListener('submit', (event) => {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-gt-enhance')) return
  if (!dashboardId || typeof window.fetch !== 'function') return
  event.preventDefault()
  if (form.dataset.sending === 'true') return
  form.dataset.sending = 'true'
  send(form, event.submitter).finally(() => {
    delete form.dataset.sending
  })
})

/**
 * The item list holds every measure, project and risk the person may see: often thousands. Offer
 * only the chosen kind's, narrowed by a search box, and show the list only for list tiles.
 */
function enhanceAddForm() {
  const form = main?.querySelector('form[data-gt-enhance="add"]')
  const select = form?.querySelector('#itemId')
  if (!form || !select || form.querySelector('#itemFilter')) return
  const options = [...select.options].filter((o) => o.value !== '')
  const placeholder = [...select.options].find((o) => o.value === '')
  const itemGroup = form.querySelector('[data-gt-group="item"]')
  const listGroup = form.querySelector('[data-gt-group="list"]')
  const kindNames = { measure: 'measures', project: 'programmes and projects', risk: 'risks' }

  const filterGroup = document.createElement('div')
  filterGroup.className = 'govuk-form-group'
  filterGroup.innerHTML =
    '<label class="govuk-label" for="itemFilter">Find by code or words in the title</label>' +
    '<div id="itemFilter-hint" class="govuk-hint">The list below shows only what matches.</div>' +
    '<input class="govuk-input govuk-!-width-two-thirds" id="itemFilter" type="search" ' +
    'autocomplete="off" spellcheck="false" aria-describedby="itemFilter-hint itemFilter-count">' +
    '<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" id="itemFilter-count" aria-live="polite"></p>'
  itemGroup?.before(filterGroup)
  const filter = filterGroup.querySelector('input')
  const count = filterGroup.querySelector('p')

  const chosenKind = () => form.querySelector('input[name="kind"]:checked')?.value ?? null

  function refresh() {
    const kind = chosenKind()
    const showItems = kind !== 'list'
    if (itemGroup) itemGroup.hidden = !showItems
    filterGroup.hidden = !showItems
    if (listGroup) listGroup.hidden = kind !== null && kind !== 'list'
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean)
    const selected = select.value
    const shown = options.filter((o) => {
      if (kind && kind !== 'list' && o.getAttribute('data-kind') !== kind) return false
      const text = o.text.toLowerCase()
      return words.every((w) => text.includes(w))
    })
    select.replaceChildren(...(placeholder ? [placeholder] : []), ...shown)
    select.value = shown.some((o) => o.value === selected) ? selected : ''
    const what = kind && kind !== 'list' ? kindNames[kind] : 'measures, projects and risks'
    const ofKind = options.filter(
      (o) => !kind || kind === 'list' || o.getAttribute('data-kind') === kind,
    )
    count.textContent = `Showing ${shown.length} of ${ofKind.length} ${what}`
  }

  let timer
  filter.addEventListener('input', () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(refresh, 150)
  })
  // Enter in the search box would send the form: choose from the list instead.
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault()
  })
  form
    .querySelectorAll('input[name="kind"]')
    .forEach((radio) => radio.addEventListener('change', refresh))
  refresh()
}

enhanceAddForm()
