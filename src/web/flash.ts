// Cookies the application shell sets for signed-in people: the session's options, and the flash
// (a one-line confirmation shown on the next page, as GOV.UK's success banner).
import type { FastifyReply } from 'fastify'
import type { Config } from '../config.ts'

export const FLASH_COOKIE = 'gt_flash'

export function sessionCookieOptions(config: Config) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.session.secureCookies,
  }
}

export function setFlash(reply: FastifyReply, message: string, config: Config): void {
  reply.setCookie(FLASH_COOKIE, message, {
    ...sessionCookieOptions(config),
    signed: true,
    maxAge: 60,
  })
}
