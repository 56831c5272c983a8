import { z } from 'zod'
import { wholeNumber } from '../../web/fields.ts'

const yesNo = (what: string) =>
  z.preprocess(
    (v) => (v === 'yes' ? true : v === 'no' ? false : v),
    z.boolean({ error: `Select yes if ${what}` }),
  )

/** The public dashboard's settings, from the form or as JSON. */
export const PublicSettingsInput = z.object({
  publishes: yesNo('the organisation publishes a public dashboard'),
  suppressBelow: wholeNumber(
    'Enter the smallest count to show, as a whole number from 0 to 100',
    0,
    100,
  ),
  showNames: yesNo('the names of responsible officers are published'),
})
export type PublicSettingsInput = z.infer<typeof PublicSettingsInput>
