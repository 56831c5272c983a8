// Factual summary sentences generated from a report's figures. The author may reword any of
// them before publishing; these are the starting text.
import type { Rag } from '../../../core/status.ts'

export interface NamedStatus {
  /** How the item is named in a list, e.g. "WS01 Household waste recycled". */
  readonly name: string
  readonly rag: Rag
}

/** "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`
}

const is = (n: number) => (n === 1 ? 'is' : 'are')
const has = (n: number) => (n === 1 ? 'has' : 'have')

/**
 * "12 of 15 Strong Performance measures are on track; 2 are red: A and B; 1 is amber: C; 1 has
 * no result for the period." On track is green; measures without a judged status are named
 * by number only.
 */
export function measuresSentence(group: string, items: readonly NamedStatus[]): string {
  const of = (rag: Rag) => items.filter((i) => i.rag === rag)
  const qualifier = group ? `${group} ` : ''
  if (items.length === 0) return `There are no ${qualifier}measures to report.`
  const green = of('green').length
  const noun = items.length === 1 ? 'measure' : 'measures'
  const parts = [
    `${green === 0 ? 'None' : String(green)} of ${String(items.length)} ${qualifier}${noun} ${green === 1 || (green === 0 && items.length === 1) ? 'is' : 'are'} on track`,
  ]
  for (const rag of ['red', 'amber'] as const) {
    const named = of(rag)
    if (named.length > 0) {
      parts.push(
        `${String(named.length)} ${is(named.length)} ${rag}: ${listOf(named.map((i) => i.name))}`,
      )
    }
  }
  const unjudged = items.length - green - of('red').length - of('amber').length
  if (unjudged > 0) {
    parts.push(`${String(unjudged)} ${has(unjudged)} no result against a target for the period`)
  }
  return `${parts.join('; ')}.`
}

/**
 * The overall position: "Of 30 corporate measures with a result against a target, 21 (70%) are
 * on track, …", or "Of 32 corporate measures, 30 have a result against a target: 21 (70%) …"
 * when some have none, so that both figures of the table's total row are in the sentence.
 */
export function overallSentence(items: readonly NamedStatus[]): string {
  const judged = items.filter((i) => i.rag === 'green' || i.rag === 'amber' || i.rag === 'red')
  if (judged.length === 0)
    return 'No corporate measure has a result against a target for the period.'
  const green = judged.filter((i) => i.rag === 'green').length
  const percent = Math.round((green / judged.length) * 100)
  const lead =
    judged.length === items.length
      ? `Of ${String(judged.length)} corporate measures with a result against a target, `
      : `Of ${String(items.length)} corporate measures, ${String(judged.length)} ${has(judged.length)} a result against a target: `
  return (
    lead +
    `${String(green)} (${String(percent)}%) ${is(green)} on track, ` +
    `${String(judged.filter((i) => i.rag === 'amber').length)} amber and ` +
    `${String(judged.filter((i) => i.rag === 'red').length)} red.`
  )
}

/**
 * "Of 8 programmes and projects, 5 are on track, 2 are at risk and 1 is off track." `noun` names
 * what is counted, in the plural ("projects"); one of them is "Of 1 project, 1 is at risk".
 */
export function projectsSentence(
  statuses: readonly { readonly text: string }[],
  noun: { readonly one: string; readonly many: string } = {
    one: 'programme or project',
    many: 'programmes and projects',
  },
): string {
  if (statuses.length === 0) return `There are no ${noun.many} to report.`
  const counts = new Map<string, number>()
  for (const s of statuses) counts.set(s.text, (counts.get(s.text) ?? 0) + 1)
  const parts = [...counts].map(([text, n]) => `${String(n)} ${is(n)} ${text.toLowerCase()}`)
  const what = statuses.length === 1 ? noun.one : noun.many
  return `Of ${String(statuses.length)} ${what}, ${listOf(parts)}.`
}

/** "There are 6 open corporate risks; 3 are above the council's risk appetite: …" */
export function risksSentence(
  risks: readonly { readonly name: string; readonly aboveAppetite: boolean }[],
): string {
  if (risks.length === 0) return 'There are no open corporate risks.'
  const above = risks.filter((r) => r.aboveAppetite)
  const lead = `There ${is(risks.length)} ${String(risks.length)} open corporate ${risks.length === 1 ? 'risk' : 'risks'}`
  if (above.length === 0) return `${lead}; none is above the council’s risk appetite.`
  return `${lead}; ${String(above.length)} ${is(above.length)} above the council’s risk appetite: ${listOf(above.map((r) => r.name))}.`
}
