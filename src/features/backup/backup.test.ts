import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { freshDatabase, testModes } from '../../../test/helpers/database.ts'
import type { Database } from '../../db/database.ts'
import { instanceSecret } from '../../db/instance-settings.ts'
import { backupDatabase } from './backup.ts'

for (const mode of testModes()) {
  describe(`backup (${mode})`, () => {
    let database: Database
    let dir: string
    let secret: string

    before(async () => {
      database = await freshDatabase(mode)
      dir = mkdtempSync(join(tmpdir(), 'gt-backup-'))
      secret = await instanceSecret(database.db, 'cookie_secret')
    })
    after(async () => {
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    })

    const settingsIn = (file: string) =>
      (
        JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
          tables: { instance_settings: { key: string; value: string }[] }
        }
      ).tables.instance_settings

    it('leaves the cookie-signing secret out unless asked for it', async () => {
      const plain = join(dir, 'plain.json.gz')
      await backupDatabase(database.db, plain)
      assert.deepEqual(settingsIn(plain), [])
      assert.doesNotMatch(gunzipSync(readFileSync(plain)).toString('utf8'), new RegExp(secret))
      const full = join(dir, 'full.json.gz')
      await backupDatabase(database.db, full, { withSecrets: true })
      assert.deepEqual(
        settingsIn(full).map((s) => [s.key, s.value]),
        [['cookie_secret', secret]],
      )
    })
  })
}
