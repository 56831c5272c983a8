import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { App } from '../../app.ts'
import { Agent } from '../../../test/helpers/browser-agent.ts'
import {
  createTestContext,
  type TestContext,
  type TestOrganisation,
} from '../../../test/helpers/context.ts'
import { testModes } from '../../../test/helpers/database.ts'
import { Conflict, NotFound } from '../../errors.ts'
import type { Principal } from '../../core/principal.ts'
import { BACKGROUND_BYTES } from './import-runs.ts'
import { importCommand } from './exchange-cli.ts'
import { csvFile, MEASURE_HEADINGS } from './exchange-test-files.ts'

const sha256 = (file: Buffer) => createHash('sha256').update(file).digest('hex')

/** A new monthly measure and its targets for 2025/26, as one CSV of the Measures sheet. */
const measuresFile = (...codes: string[]) =>
  csvFile([
    MEASURE_HEADINGS,
    ...codes.map((code) => [
      code,
      `Measure ${code}`,
      'Number',
      0,
      'Higher is better',
      'Monthly',
      'WASTE',
      'no',
      'no',
    ]),
  ])

/** Values for measures no one has, each with a long commentary: a large file, every row wrong. */
const largeBadFile = () => {
  const note = 'Commentary '.repeat(100)
  const rows: (string | number)[][] = [['Measure code', 'Period', 'Value', 'Commentary']]
  for (let i = 0; rows.length * note.length < BACKGROUND_BYTES + 10_000; i++) {
    rows.push([`NOPE${i}`, '2025/26 Q1', i, note])
  }
  return csvFile(rows)
}

for (const mode of testModes()) {
  describe(`imports in the background (${mode})`, () => {
    let ctx: TestContext
    let org: TestOrganisation
    let app: App
    let officer: Principal & { email: string }
    let clerk: Principal & { email: string }

    const runs = () => ctx.services.importRuns

    const codes = async (...wanted: string[]) =>
      (
        await ctx.database.db
          .selectFrom('measures')
          .select('code')
          .where('organisation_id', '=', org.id)
          .where('code', 'in', wanted)
          .orderBy('code')
          .execute()
      ).map((m) => m.code)

    before(async () => {
      ctx = await createTestContext(mode)
      ctx.clock.now = new Date('2025-06-20T10:00:00Z')
      org = await ctx.organisation()
      officer = await ctx.person(org, { role: 'performance_officer', name: 'Olu Officer' })
      clerk = await ctx.person(org, { role: 'data_entry', unit: 'waste', name: 'Cal Clerk' })
      app = await ctx.app()
    })
    after(() => ctx.close())

    it('checks a file in the background, keeps the result, and imports the same file when confirmed', async () => {
      const file = measuresFile('BG1', 'BG2')
      const queued = await runs().submit(officer, file, { dryRun: true, fileName: 'bg.csv' })
      assert.equal(queued.status, 'queued')
      assert.equal(queued.sha256, sha256(file))
      await runs().settled(queued.id)

      const checked = await runs().get(officer, queued.id)
      assert.equal(checked.status, 'succeeded')
      assert.equal(checked.dryRun, true)
      assert.equal(checked.summary?.counts.Measures.created, 2)
      assert.deepEqual(checked.progress, { stage: 'done', read: 2, checked: 2, written: 0 })
      assert.equal(checked.canConfirm, true)
      assert.deepEqual(await codes('BG1', 'BG2'), [], 'a check writes nothing')

      const confirmed = await runs().confirm(officer, queued.id)
      await runs().settled(confirmed.id)
      const imported = await runs().get(officer, confirmed.id)
      assert.equal(imported.status, 'succeeded')
      assert.equal(imported.dryRun, false)
      assert.equal(imported.fileName, 'bg.csv')
      assert.equal(imported.sha256, sha256(file))
      assert.equal(imported.progress.written, 2)
      assert.equal(imported.by.name, 'Olu Officer')
      assert.deepEqual(await codes('BG1', 'BG2'), ['BG1', 'BG2'])
      // The import's own audit record names the same file.
      const audit = await ctx.database.db
        .selectFrom('audit_records')
        .select('summary')
        .where('organisation_id', '=', org.id)
        .where('action', '=', 'import_applied')
        .execute()
      assert.ok(audit.some((a) => a.summary.includes(sha256(file).slice(0, 16))))
      // Once imported, the checked file is no longer offered, nor kept.
      await assert.rejects(runs().confirm(officer, queued.id), Conflict)

      const { items, total } = await runs().list(officer, { page: 1, pageSize: 10 })
      assert.equal(total, 2)
      assert.deepEqual(new Set(items.map((r) => r.id)), new Set([confirmed.id, queued.id]))
    })

    it('keeps why nothing was imported: the rows’ problems, with their total, and writes nothing', async () => {
      const file = csvFile([
        MEASURE_HEADINGS,
        ['BAD1', 'Fine', 'Number', 0, 'Higher is better', 'Monthly', 'WASTE', 'no', 'no'],
        ['BAD2', 'Bad', 'Number', 0, 'Sideways', 'Monthly', 'WASTE', 'no', 'no'],
      ])
      const run = await runs().submit(officer, file, { dryRun: false, fileName: 'bad.csv' })
      await runs().settled(run.id)
      const failed = await runs().get(officer, run.id)
      assert.equal(failed.status, 'failed')
      const error = failed.error
      assert.ok(error)
      assert.equal(error.id, 'invalid')
      assert.equal(error.total, 1)
      assert.match(error.details?.[0]?.message ?? '', /Sideways|one of/)
      assert.equal(error.details?.[0]?.row, 3)
      assert.equal(failed.progress.written, 0)
      assert.deepEqual(await codes('BAD1', 'BAD2'), [], 'nothing half-written')
    })

    it('refuses a second import while one of the council’s runs, and shows a run a restart cut short as failed', async () => {
      // A run left running by a process that stopped (or still running in another instance).
      const left = await ctx.database.db
        .insertInto('import_runs')
        .values({
          organisation_id: org.id,
          person_id: officer.personId,
          person_name: officer.name,
          file_name: 'cut-short.csv',
          sha256: 'f'.repeat(64),
          size_bytes: 10,
          dry_run: false,
          history_reason: null,
          status: 'running',
          content: null,
          result: null,
          created_at: ctx.clock.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await assert.rejects(
        runs().submit(officer, measuresFile('BG3'), { dryRun: false, fileName: 'next.csv' }),
        (e: unknown) => e instanceof Conflict && /Another import/.test(e.message),
      )
      await assert.rejects(
        runs().runNow(clerk, measuresFile('BG3'), { dryRun: true, fileName: 'next.csv' }),
        Conflict,
      )

      assert.equal(await runs().recoverInterrupted(), 1)
      const shown = await runs().get(officer, left.id)
      assert.equal(shown.status, 'failed')
      assert.ok(shown.error)
      assert.equal(shown.error.id, 'import_interrupted')
      assert.match(shown.error.message, /interrupted .* nothing was imported/)
      const next = await runs().submit(officer, measuresFile('BG3'), {
        dryRun: false,
        fileName: 'next.csv',
      })
      await runs().settled(next.id)
      assert.equal((await runs().get(officer, next.id)).status, 'succeeded')
      assert.deepEqual(await codes('BG3'), ['BG3'])
    })

    it('shows a run to the one who sent it and to the performance team, and to no one else', async () => {
      // The clerk may not define measures: the run fails, and is theirs all the same.
      const mine = await runs().submit(clerk, measuresFile('NOTMINE'), {
        dryRun: true,
        fileName: 'clerk.csv',
      })
      await runs().settled(mine.id)
      assert.equal((await runs().get(clerk, mine.id)).status, 'failed')
      const officers = await runs().list(officer, { page: 1, pageSize: 100 })
      assert.ok(officers.items.some((r) => r.id === mine.id))
      const clerks = await runs().list(clerk, { page: 1, pageSize: 100 })
      assert.deepEqual(
        clerks.items.map((r) => r.by.name),
        clerks.items.map(() => 'Cal Clerk'),
      )
      assert.equal(clerks.total, 1)
      const officersRun = officers.items.find((r) => r.by.name === 'Olu Officer')
      assert.ok(officersRun)
      await assert.rejects(runs().get(clerk, officersRun.id), NotFound)

      const other = await ctx.organisation()
      const stranger = await ctx.person(other, { role: 'administrator' })
      await assert.rejects(runs().get(stranger, mine.id), NotFound)
      assert.equal((await runs().list(stranger, { page: 1, pageSize: 10 })).total, 0)
    })

    it('answers 202 with Location for a file sent with Prefer: respond-async, and the run there', async () => {
      const token = (await ctx.services.auth.createToken(officer, 'Runs')).token
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 60_000)
      const agent = new Agent(app)
      const file = measuresFile('API1')
      const accepted = await agent.upload(
        '/api/v1/imports?dryRun=true',
        {},
        { name: 'api.csv', content: file, type: 'text/csv' },
        {
          csrf: false,
          headers: { authorization: `Bearer ${token}`, prefer: 'respond-async' },
        },
      )
      assert.equal(accepted.statusCode, 202, accepted.body)
      const body = accepted.json<{ id: string; status: string; fileName: string }>()
      assert.equal(accepted.headers.location, `/api/v1/imports/${body.id}`)
      assert.equal(body.fileName, 'api.csv')
      await runs().settled(body.id)

      const shown = await app.inject({
        method: 'GET',
        url: `/api/v1/imports/${body.id}`,
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(shown.statusCode, 200)
      const run = shown.json<{
        status: string
        sha256: string
        summary: { total: number; counts: { Measures: { created: number } } }
        progress: { read: number; checked: number }
      }>()
      assert.equal(run.status, 'succeeded')
      assert.equal(run.sha256, sha256(file))
      assert.equal(run.summary.counts.Measures.created, 1)
      assert.deepEqual([run.progress.read, run.progress.checked], [1, 1])

      // A file not in the product's layout is refused at once, as before, even when asked for
      // the background: 400 with the row problems, and no run.
      const unreadable = await agent.upload(
        '/api/v1/imports?dryRun=true',
        {},
        {
          name: 'odd.csv',
          content: csvFile([
            ['Nonsense', 'Columns'],
            ['a', 'b'],
          ]),
          type: 'text/csv',
        },
        {
          csrf: false,
          headers: { authorization: `Bearer ${token}`, prefer: 'respond-async' },
        },
      )
      assert.equal(unreadable.statusCode, 400, unreadable.body)
      assert.ok(
        unreadable.json<{ error: { details: unknown[] } }>().error.details.length > 0,
        unreadable.body,
      )

      // A small file without the preference answers as it always did, naming its run.
      ctx.clock.now = new Date(ctx.clock.now.getTime() + 60_000)
      const now = await agent.upload(
        '/api/v1/imports?dryRun=true',
        {},
        { name: 'api.csv', content: file, type: 'text/csv' },
        { csrf: false, headers: { authorization: `Bearer ${token}` } },
      )
      assert.equal(now.statusCode, 200)
      const summary = now.json<{ importId: string; counts: { Measures: { created: number } } }>()
      assert.equal(summary.counts.Measures.created, 1)

      const list = await app.inject({
        method: 'GET',
        url: '/api/v1/imports?pageSize=2',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(list.statusCode, 200)
      const page = list.json<{ items: { id: string }[]; total: number; pageSize: number }>()
      assert.equal(page.pageSize, 2)
      assert.deepEqual(
        page.items.map((r) => r.id),
        [summary.importId, body.id],
      )
    })

    it('sends a large upload on the page to the background and shows its progress, then its result', async () => {
      const agent = await Agent.signedIn(app, officer.email)
      await agent.get('/exchange')
      const file = largeBadFile()
      assert.ok(file.length >= BACKGROUND_BYTES)
      const sent = await agent.upload(
        '/exchange/preview',
        {},
        { name: 'large.csv', content: file, type: 'text/csv' },
      )
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 300))
      const location = String(sent.headers.location)
      const id = /^\/exchange\/imports\/([0-9a-f-]{36})$/.exec(location)?.[1]
      assert.ok(id, location)
      await runs().settled(id)

      const result = await agent.get(location)
      assert.equal(result.statusCode, 200)
      assert.match(result.body, /Check failed: nothing was imported/)
      assert.match(result.body, /id="row-errors"/)
      assert.match(result.body, /No measure has the code NOPE0/)
      assert.match(result.body, new RegExp(sha256(file)))
      assert.doesNotMatch(result.body, />Refresh</)

      const history = await agent.get('/exchange/imports')
      assert.equal(history.statusCode, 200)
      assert.match(history.body, new RegExp(`href="/exchange/imports/${id}"`))
      assert.match(history.body, /large\.csv/)

      // While a run is going its page says how far it has got and offers a Refresh link.
      const going = await ctx.database.db
        .insertInto('import_runs')
        .values({
          organisation_id: org.id,
          person_id: officer.personId,
          person_name: officer.name,
          file_name: 'going.csv',
          sha256: 'a'.repeat(64),
          size_bytes: 10,
          dry_run: false,
          history_reason: null,
          status: 'running',
          content: null,
          rows_read: 1200,
          rows_checked: 300,
          result: null,
          created_at: ctx.clock.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const progress = await agent.get(`/exchange/imports/${going.id}`)
      assert.equal(progress.statusCode, 200)
      assert.match(progress.body, /Importing your file/)
      assert.match(progress.body, /data-progress="read">1,200</)
      assert.match(progress.body, /data-progress="checked">300</)
      assert.match(progress.body, new RegExp(`href="/exchange/imports/${going.id}"[^>]*>Refresh`))
      await runs().recoverInterrupted()
    })

    it('keeps the command line’s imports in the history too, by "Command line" as the audit has it', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gt-cli-runs-'))
      const quiet = { log: console.log, error: console.error }
      console.log = () => undefined
      console.error = () => undefined
      try {
        const good = join(dir, 'cli-measures.csv')
        await writeFile(good, measuresFile('CLI7'))
        const bad = join(dir, 'cli-broken.csv')
        await writeFile(
          bad,
          csvFile([
            ['Measure code', 'Period', 'Target'],
            ['NOPE', '2025/26', 5],
          ]),
        )
        const cli = async (file: string, dryRun: boolean) => {
          // A minute apart, so the history lists them in order.
          ctx.clock.now = new Date(ctx.clock.now.getTime() + 60_000)
          return importCommand(ctx.database.db, ctx.services.exchange, runs(), {
            file,
            dryRun,
            organisation: org.slug,
          })
        }
        assert.equal(await cli(good, true), 0)
        assert.equal(await cli(good, false), 0)
        assert.equal(await cli(bad, false), 1)
      } finally {
        Object.assign(console, quiet)
        await rm(dir, { recursive: true, force: true })
      }
      const { items } = await runs().list(officer, { page: 1, pageSize: 50 })
      const mine = items.filter((r) => r.fileName.startsWith('cli-'))
      assert.deepEqual(
        mine.map((r) => [r.fileName, r.dryRun, r.status, r.by.id, r.by.name]),
        [
          ['cli-broken.csv', false, 'failed', null, 'Command line'],
          ['cli-measures.csv', false, 'succeeded', null, 'Command line'],
          ['cli-measures.csv', true, 'succeeded', null, 'Command line'],
        ],
      )
      const [broken, real, dry] = mine
      assert.ok(broken && real && dry)
      assert.equal(real.summary?.counts.Measures.created, 1)
      assert.equal(dry.summary?.total, real.summary.total)
      assert.equal(real.sha256, sha256(measuresFile('CLI7')))
      assert.match(broken.error?.message ?? '', /1 problem/)
      assert.deepEqual(await codes('CLI7'), ['CLI7'])
      // A data-entry clerk sees only their own imports: not the command line's.
      const theirs = await runs().list(clerk, { page: 1, pageSize: 50 })
      assert.ok(theirs.items.every((r) => r.by.name !== 'Command line'))
    })
  })
}
