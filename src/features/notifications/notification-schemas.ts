import { z } from 'zod'

/**
 * The e-mail preference form: each notification by e-mail at once, one daily digest, or in-app
 * only. "yes" is the older form's answer and means at once.
 */
export const EmailPreferenceInput = z.object({
  email: z.enum(['yes', 'immediate', 'digest', 'no'], {
    error: 'Select how to get notifications by e-mail',
  }),
})
export type EmailPreferenceInput = z.infer<typeof EmailPreferenceInput>
