// Sessions and typed data (docs/accessibility.md, WCAG 2.2.1 Timing adjustable).
//
// 1. The GOV.UK time-out warning: a modal dialog shows before the session ends and lets the
//    person stay signed in (a POST that restarts the session's idle time) or sign out. The layout
//    renders the dialog, closed, with how long the session has left.
// 2. Typed data is never lost to a time-out. A form's fields are kept in sessionStorage while it
//    is sent; if the answer is the sign-in page (the session had ended), they wait there and are
//    put back into the same form once the person has signed in again and is back on its page.
//    Anything else that loads next means the form arrived, and they are dropped. Passwords,
//    hidden fields (the CSRF token among them) and files are never kept.

const KEPT = 'gt-kept-form'
const KEEP_FOR_MS = 12 * 60 * 60 * 1000
const SKIPPED_ACTIONS = ['/sign-in', '/sign-out', '/session/extend']

function here() {
  return `${location.pathname}${location.search}`
}

function storage() {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

function readKept() {
  try {
    const kept = JSON.parse(storage()?.getItem(KEPT) ?? 'null')
    return kept && Date.now() - kept.savedAt < KEEP_FOR_MS ? kept : null
  } catch {
    return null
  }
}

function writeKept(kept) {
  try {
    if (kept) storage()?.setItem(KEPT, JSON.stringify(kept))
    else storage()?.removeItem(KEPT)
  } catch {
    // Storage full or refused: nothing can be kept, the form is still sent.
  }
}

function actionOf(form) {
  return new URL(form.action, location.href).pathname
}

function keptField(field) {
  if (!field.name || field.disabled || field.name === '_csrf') return false
  if (field instanceof HTMLInputElement) {
    return !['password', 'hidden', 'file', 'submit', 'button', 'image', 'reset'].includes(
      field.type,
    )
  }
  return field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement
}

/** What a person has put in the form: [name, value] pairs, in order. */
function fieldsOf(form) {
  const fields = []
  for (const field of form.elements) {
    if (!keptField(field)) continue
    if (field instanceof HTMLSelectElement) {
      for (const option of field.selectedOptions) fields.push([field.name, option.value])
    } else if (field.type === 'checkbox' || field.type === 'radio') {
      if (field.checked) fields.push([field.name, field.value])
    } else {
      fields.push([field.name, field.value])
    }
  }
  return fields
}

function isDirty(form) {
  for (const field of form.elements) {
    if (!keptField(field)) continue
    if (field instanceof HTMLSelectElement) {
      if ([...field.options].some((o) => o.selected !== o.defaultSelected)) return true
    } else if (field.type === 'checkbox' || field.type === 'radio') {
      if (field.checked !== field.defaultChecked) return true
    } else if (field.value !== field.defaultValue) {
      return true
    }
  }
  return false
}

function keepable(form) {
  return form.method === 'post' && !SKIPPED_ACTIONS.includes(actionOf(form))
}

function keep(form, awaitingSignIn) {
  writeKept({
    page: here(),
    action: actionOf(form),
    fields: fieldsOf(form),
    savedAt: Date.now(),
    awaitingSignIn,
  })
}

function restore(form, fields) {
  const values = new Map()
  for (const [name, value] of fields) values.set(name, [...(values.get(name) ?? []), value])
  const used = new Map()
  for (const field of form.elements) {
    if (!keptField(field) || !values.has(field.name)) continue
    const wanted = values.get(field.name)
    if (field instanceof HTMLSelectElement) {
      for (const option of field.options) option.selected = wanted.includes(option.value)
    } else if (field.type === 'checkbox' || field.type === 'radio') {
      field.checked = wanted.includes(field.value)
    } else {
      const index = used.get(field.name) ?? 0
      field.value = wanted[index] ?? ''
      used.set(field.name, index + 1)
    }
  }
}

function banner(main, id, title, text) {
  const box = document.createElement('div')
  box.className = 'govuk-notification-banner'
  box.setAttribute('role', 'alert')
  box.setAttribute('aria-labelledby', `${id}-title`)
  box.tabIndex = -1
  box.id = id
  const header = document.createElement('div')
  header.className = 'govuk-notification-banner__header'
  const heading = document.createElement('h2')
  heading.className = 'govuk-notification-banner__title'
  heading.id = `${id}-title`
  heading.textContent = title
  header.append(heading)
  const content = document.createElement('div')
  content.className = 'govuk-notification-banner__content'
  const paragraph = document.createElement('p')
  paragraph.className = 'govuk-notification-banner__heading'
  paragraph.textContent = text
  content.append(paragraph)
  box.append(header, content)
  main.prepend(box)
  return box
}

function onPageLoad() {
  const kept = readKept()
  if (!kept) return
  if (location.pathname === '/sign-in') {
    writeKept({ ...kept, awaitingSignIn: true })
    const note = document.createElement('p')
    note.className = 'govuk-body'
    note.textContent =
      'What you had typed has been kept: it will be put back into the form after you sign in.'
    const signedOut = document.getElementById('gt-signed-out')
    if (signedOut) signedOut.append(note)
    // Back to the page the form was on, whatever address the form was sent to.
    const next = document.querySelector('form[action="/sign-in"] input[name="next"]')
    if (next instanceof HTMLInputElement) next.value = kept.page
    return
  }
  writeKept(null)
  if (!kept.awaitingSignIn || kept.page !== here()) return
  const form = [...document.forms].find((f) => keepable(f) && actionOf(f) === kept.action)
  const main = document.getElementById('main-content')
  if (!form || !main) return
  restore(form, kept.fields)
  banner(
    main,
    'gt-kept',
    'Important',
    'You were signed out before this form was sent. What you had typed has been put back: check it, then send the form again.',
  ).focus()
}

document.addEventListener('submit', (event) => {
  const form = event.target
  if (form instanceof HTMLFormElement && keepable(form)) keep(form, false)
})

onPageLoad()

// The time-out warning.
const dialog = document.getElementById('gt-timeout')
if (dialog instanceof HTMLDialogElement) {
  const warningSeconds = Number(dialog.dataset.warningSeconds)
  const countdown = dialog.querySelector('.gt-timeout__countdown')
  const announce = dialog.querySelector('.gt-timeout__announce')
  const extendForm = dialog.querySelector('form.gt-timeout__extend')
  let deadline = Date.now() + Number(dialog.dataset.secondsLeft) * 1000
  let timer = 0
  let ticker = 0
  let returnFocusTo = null

  const duration = (seconds) => {
    const minutes = Math.floor(seconds / 60)
    const rest = seconds % 60
    const parts = []
    if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`)
    if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? '' : 's'}`)
    return parts.join(' ')
  }

  const status = async (method) => {
    const response = await fetch(method === 'POST' ? '/session/extend' : '/session/status', {
      method,
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      ...(method === 'POST' && extendForm
        ? { body: new URLSearchParams(new FormData(extendForm)) }
        : {}),
    })
    if (response.status === 401) return { signedIn: false, secondsLeft: 0 }
    if (!response.ok) throw new Error(`session status ${response.status}`)
    return response.json()
  }

  const schedule = (secondsLeft) => {
    clearTimeout(timer)
    deadline = Date.now() + secondsLeft * 1000
    const wait = Math.max(0, secondsLeft - warningSeconds)
    timer = setTimeout(check, wait * 1000)
  }

  const close = (message) => {
    clearInterval(ticker)
    if (dialog.open) dialog.close()
    if (announce) announce.textContent = ''
    if (returnFocusTo instanceof HTMLElement && returnFocusTo.isConnected) returnFocusTo.focus()
    returnFocusTo = null
    if (message) {
      const live = document.getElementById('gt-session-status')
      if (live) live.textContent = message
    }
  }

  const signedOut = () => {
    clearInterval(ticker)
    // Keep what the person was typing, to put back after they sign in again.
    const form = [...document.forms].find((f) => keepable(f) && isDirty(f))
    if (form) keep(form, true)
    location.assign(`/sign-in?next=${encodeURIComponent(here())}&expired=yes`)
  }

  const tick = () => {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
    if (countdown) countdown.textContent = duration(seconds)
    // Screen readers hear the time left every 20 seconds, not every second.
    if (announce && seconds % 20 === 0 && seconds > 0) {
      announce.textContent = `We will sign you out in ${duration(seconds)}.`
    }
    if (seconds === 0) {
      clearInterval(ticker)
      check()
    }
  }

  const open = () => {
    if (!dialog.open) {
      returnFocusTo = document.activeElement
      dialog.showModal()
    }
    tick()
    clearInterval(ticker)
    ticker = setInterval(tick, 1000)
  }

  // Asks the server (another tab may have kept the session alive) before warning or leaving.
  async function check() {
    let state
    try {
      state = await status('GET')
    } catch {
      schedule(Math.max(0, Math.ceil((deadline - Date.now()) / 1000)))
      return
    }
    if (!state.signedIn) return signedOut()
    if (state.secondsLeft > warningSeconds) {
      close()
      schedule(state.secondsLeft)
      return
    }
    deadline = Date.now() + state.secondsLeft * 1000
    if (state.secondsLeft === 0) {
      timer = setTimeout(check, 1000)
      return
    }
    open()
  }

  const stay = async () => {
    try {
      const state = await status('POST')
      if (!state.signedIn) return signedOut()
      close('You are still signed in.')
      schedule(state.secondsLeft)
    } catch {
      // The form itself still works: send it the ordinary way.
      extendForm?.submit()
    }
  }

  extendForm?.addEventListener('submit', (event) => {
    event.preventDefault()
    event.stopPropagation()
    stay()
  })
  // A session that cannot be extended ends at its deadline whatever is pressed.
  const dismiss = () => {
    close()
    clearTimeout(timer)
    timer = setTimeout(check, Math.max(0, deadline - Date.now()) + 1000)
  }
  dialog.querySelector('.gt-timeout__close')?.addEventListener('click', dismiss)
  // Escape means "stay", as in the GOV.UK pattern; where the session cannot be extended it closes.
  dialog.addEventListener('cancel', () => {
    if (extendForm) stay()
    else dismiss()
  })
  schedule(Number(dialog.dataset.secondsLeft))
}
