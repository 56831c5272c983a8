/**
 * Items for the GOV.UK select, radios and checkboxes macros, from a list of values and their
 * names (a record of names, or a function for names kept in richer records).
 */
type Labels<T extends string> = Readonly<Record<T, string>> | ((value: T) => string)

const labelOf = <T extends string>(labels: Labels<T>, value: T): string =>
  typeof labels === 'function' ? labels(value) : labels[value]

/** Select options, the selected one marked; `empty` first (value '') when given. */
export function selectItems<T extends string>(
  values: readonly T[],
  labels: Labels<T>,
  selected: unknown,
  empty?: string,
) {
  return [
    ...(empty === undefined ? [] : [{ value: '', text: empty }]),
    ...values.map((value) => ({
      value,
      text: labelOf(labels, value),
      selected: value === selected,
    })),
  ]
}

/** Radio (or checkbox) items, the checked one marked. */
export function radioItems<T extends string>(
  values: readonly T[],
  labels: Labels<T>,
  checked: unknown,
) {
  return values.map((value) => ({
    value,
    text: labelOf(labels, value),
    checked: value === checked,
  }))
}
