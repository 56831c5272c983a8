import { z } from 'zod'

/** The e-mail preference form: send reminders by e-mail as well, or keep them in-app only. */
export const EmailPreferenceInput = z.object({
  email: z.enum(['yes', 'no'], { error: 'Select whether to get reminders by e-mail' }),
})
export type EmailPreferenceInput = z.infer<typeof EmailPreferenceInput>
