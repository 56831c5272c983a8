// An import's progress, nicer with JavaScript (src/features/exchange/views/import-run.njk).
// Without it the page has a Refresh link; with it the figures are fetched from the API every
// two seconds and updated in place, and once the import is over the page loads its result.
const panel = document.getElementById('import-progress')
const id = panel?.getAttribute('data-import-id')
const STAGES = {
  reading: 'Reading the file',
  checking: 'Checking the rows',
  saving: 'Saving',
  done: 'Done',
}

function show(name, text) {
  const element = panel.querySelector(`[data-progress="${name}"]`)
  if (element && element.textContent !== text) element.textContent = text
}

async function poll() {
  try {
    const response = await fetch(`/api/v1/imports/${encodeURIComponent(id)}`, {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    })
    if (!response.ok) return
    const run = await response.json()
    if (run.status === 'succeeded' || run.status === 'failed') {
      show('said', 'The import is over: loading its result')
      window.location.reload()
      return
    }
    const number = new Intl.NumberFormat('en-GB')
    show('stage', STAGES[run.progress.stage] ?? run.progress.stage)
    show('read', number.format(run.progress.read))
    show('checked', number.format(run.progress.checked))
    show('written', number.format(run.progress.written))
  } catch {
    // The Refresh link still works; try again on the next tick.
  }
  window.setTimeout(poll, 2000)
}

if (panel && id && panel.getAttribute('data-over') === 'no') window.setTimeout(poll, 2000)
