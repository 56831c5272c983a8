import { hash, verify } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 256

/** The demo council's password is printed in the README, so no other council may use it. */
export const PUBLISHED_DEMO_PASSWORD = 'golden-thread-demo'
const DEMO_ORGANISATION_SLUG = 'example-city'
const PRODUCT_NAMES = ['Golden Thread']
/** What must be left of a password once names it is built from are taken out. */
const MIN_OTHER_CHARACTERS = 6

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. (2 is Algorithm.Argon2id, a const enum.)
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 }

/** Whose password it is, so that names an attacker would try first can be refused. */
export interface PasswordContext {
  readonly email: string | null
  readonly organisationName: string
  readonly organisationSlug: string
}

let common: ReadonlySet<string> | undefined

/**
 * About 49,000 passwords most often found in breaches, as maintained by the zxcvbn-ts project
 * (lower case throughout).
 */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'])
  return common
}

/** Lower case, letters and digits only: "Example-City 2026" and "examplecity2026" are one. */
function simplify(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '')
}

/**
 * Is it a well-known password, or one padded out to length: repeated ("passwordpassword"), or
 * with digits and symbols added at either end ("password1234!")?
 */
function isCommon(password: string): boolean {
  const list = commonPasswords()
  const lower = password.toLowerCase()
  const candidates = [
    lower,
    lower.replace(/\s+/g, ''),
    lower.replace(/[\d\W_]+$/u, ''),
    lower.replace(/^[\d\W_]+/u, ''),
  ]
  const repeated = /^(.+?)\1+$/su.exec(lower)?.[1]
  if (repeated !== undefined) {
    if (Array.from(repeated).length <= 3) return true
    candidates.push(repeated)
  }
  return candidates.some((candidate) => list.has(candidate))
}

/** Takes every name out of the password; what is left is what an attacker must guess. */
function withoutNames(password: string, names: readonly string[]): string {
  let rest = simplify(password)
  for (const name of names.map(simplify).filter((n) => n.length >= 3)) {
    rest = rest.replaceAll(name, '')
  }
  return rest
}

/**
 * NIST 800-63B style: length only, no composition rules, and not a password an attacker would
 * try first: a well-known one, the person's e-mail address, the council's or the product's name,
 * or the demo's published password.
 */
export function passwordProblem(password: string, context: PasswordContext): string | null {
  if (password.length > 0 && password.trim().length === 0) {
    return 'Password must not be only spaces'
  }
  const length = Array.from(new Intl.Segmenter().segment(password)).length
  if (length < MIN_PASSWORD_LENGTH) {
    return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`
  }
  if (password === PUBLISHED_DEMO_PASSWORD) {
    return context.organisationSlug === DEMO_ORGANISATION_SLUG
      ? null
      : 'Password is the published demo password: choose another'
  }
  if (isCommon(password)) {
    return 'Password is too common: choose one that others are unlikely to use'
  }
  if (context.email) {
    const email = context.email.trim()
    const localPart = email.split('@')[0] ?? ''
    if (withoutNames(password, [email, localPart]).length < MIN_OTHER_CHARACTERS) {
      return 'Password must not be based on the email address'
    }
  }
  const names = [context.organisationName, context.organisationSlug, ...PRODUCT_NAMES]
  if (withoutNames(password, names).length < MIN_OTHER_CHARACTERS) {
    return 'Password must not be based on the name of the council or of Golden Thread'
  }
  return null
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2_OPTIONS)
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Spend the same effort as a real check so timing does not reveal unknown accounts.
    await hash(password, ARGON2_OPTIONS)
    return false
  }
  try {
    return await verify(stored, password.normalize('NFKC'))
  } catch {
    return false
  }
}
