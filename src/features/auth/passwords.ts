import { readFileSync } from 'node:fs'
import { hash, verify } from '@node-rs/argon2'

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 256

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. (2 is Algorithm.Argon2id, a const enum.)
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 }

let common: ReadonlySet<string> | undefined

/** The most common passwords of 12 characters or more (shorter ones fail the length rule). */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0),
  )
  return common
}

/** NIST 800-63B style: length only, no composition rules, and not a well-known password. */
export function passwordProblem(password: string): string | null {
  const length = Array.from(new Intl.Segmenter().segment(password)).length
  if (length < MIN_PASSWORD_LENGTH) {
    return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`
  }
  if (commonPasswords().has(password.toLowerCase())) {
    return 'Password is too common: choose one that others are unlikely to use'
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
