import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { testFiles, tierOf, tierOfFile, TIERS } from '../scripts/test-tiers.ts'

describe('test tiers', () => {
  const tiers = new Map(testFiles().map((file) => [file, tierOfFile(file)]))

  it('puts every tier to use', () => {
    for (const tier of TIERS) assert.ok([...tiers.values()].includes(tier), tier)
  })

  it('keeps the core pure: no test of src/core opens a database or the application', () => {
    const core = [...tiers].filter(([file]) => file.startsWith('src/core/'))
    assert.ok(core.length > 5)
    assert.deepEqual(
      core.filter(([, tier]) => tier !== 'unit'),
      [],
    )
  })

  it('decides by location, then by what the file imports', () => {
    assert.equal(tierOf('test/browser/x.test.ts', ''), 'browser')
    const agent = "import { Agent } from '../../../test/helpers/browser-agent.ts'"
    const context = "import { createTestContext } from '../../../test/helpers/context.ts'"
    assert.equal(tierOf('src/features/x/x-routes.test.ts', `${agent}\n${context}`), 'http')
    assert.equal(tierOf('src/features/x/x-service.test.ts', context), 'db')
    assert.equal(tierOf('src/features/x/x-cli.test.ts', "new URL('../../main.ts', u)"), 'db')
    assert.equal(tierOf('src/features/x/x-policy.test.ts', "import { can } from './x.ts'"), 'unit')
    assert.equal(tiers.get('src/features/measures/measure-routes.test.ts'), 'http')
    assert.equal(tiers.get('src/features/measures/measure-service.test.ts'), 'db')
  })
})
