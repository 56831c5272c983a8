import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emailFromClaims } from './oidc-client.ts'

describe('the e-mail address an ID token vouches for', () => {
  const cases: [string, Record<string, unknown>, string | null][] = [
    ['email first', { email: 'a@x.gov.uk', preferred_username: 'b@x.gov.uk' }, 'a@x.gov.uk'],
    ['preferred_username without email', { preferred_username: 'b@x.gov.uk' }, 'b@x.gov.uk'],
    ['upn last', { upn: 'c@x.gov.uk' }, 'c@x.gov.uk'],
    [
      'not an email marked unverified',
      { email: 'a@x.gov.uk', email_verified: false, upn: 'c@x.gov.uk' },
      'c@x.gov.uk',
    ],
    ['not a name that is no address', { preferred_username: 'jsmith' }, null],
    ['none at all', { sub: '123' }, null],
  ]
  for (const [name, claims, expected] of cases) {
    it(name, () => assert.equal(emailFromClaims(claims), expected))
  }
})
