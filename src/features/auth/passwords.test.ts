import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_PASSWORD, DEMO_SLUG } from '../demo/index.ts'
import { passwordProblem, PUBLISHED_DEMO_PASSWORD, type PasswordContext } from './passwords.ts'

const council: PasswordContext = {
  email: 'alex.morgan@northshire.gov.uk',
  organisationName: 'Northshire County Council',
  organisationSlug: 'northshire',
}
const demo: PasswordContext = { ...council, organisationSlug: DEMO_SLUG }

describe('password rules', () => {
  const refused: [string, string, RegExp][] = [
    ['only spaces', ' '.repeat(20), /only spaces/],
    ['only tabs and spaces', '\t \t \t \t \t \t ', /only spaces/],
    ['too short', 'eleven char', /12 characters or more/],
    ['a common password, repeated', 'passwordpassword', /too common/],
    ['a common password with digits added', 'qwertyuiop1234!', /too common/],
    ['a common password in capitals', 'QWERTYUIOPASDFGH'.slice(0, 10) + '2024', /too common/],
    ['one character repeated', 'aaaaaaaaaaaaaaaa', /too common/],
    ['a short run repeated', 'abcabcabcabcabc', /too common/],
    ['the e-mail address', 'alex.morgan@northshire.gov.uk', /email address/],
    ['the local part with a year', 'Alex.Morgan.2026', /email address/],
    ['the council name', 'Northshire County Council', /name of the council/],
    ['the council name and a year', 'northshire-county-council-2026!', /name of the council/],
    ['the short name padded', 'Northshire!2026', /name of the council/],
    ['the product name', 'Golden Thread 2026!', /Golden Thread/],
    ['the product name twice', 'goldenthreadgoldenthread', /Golden Thread/],
    ['the published demo password', PUBLISHED_DEMO_PASSWORD, /published demo password/],
  ]
  for (const [name, password, message] of refused) {
    it(`refuses ${name}`, () => assert.match(passwordProblem(password, council) ?? '', message))
  }

  const accepted: [string, string][] = [
    ['a passphrase', 'a long enough passphrase'],
    ['a passphrase that mentions the council', 'northshire has lovely hedgerows'],
    ['an unrelated passphrase', 'correct horse battery staple'],
  ]
  for (const [name, password] of accepted) {
    it(`accepts ${name}`, () => assert.equal(passwordProblem(password, council), null))
  }

  it('lets only the demo council keep the published demo password', () => {
    assert.equal(PUBLISHED_DEMO_PASSWORD, DEMO_PASSWORD)
    assert.equal(passwordProblem(DEMO_PASSWORD, demo), null)
  })
})
