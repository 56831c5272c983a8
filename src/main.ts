import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import { createApp } from './app.ts'
import { createServices } from './services.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { openDatabase, type Database } from './db/database.ts'
import { DataDirLocked } from './db/data-dir-lock.ts'
import { migrateToLatest } from './db/migrate.ts'
import { AppError, Invalid } from './errors.ts'
import { backupDatabase, restoreDatabase } from './features/backup/index.ts'
import { verifyAudit } from './features/audit/index.ts'
import { buildDemoCouncil, demoSignInText } from './features/demo/index.ts'
import { importCommand } from './features/exchange/index.ts'
import { cliCommands } from './features/organisation/index.ts'
import { recomputeCommand } from './features/organisational-measures/index.ts'
import { reportCommand } from './features/reports/index.ts'
import { notifyCommand, startDailyReminders } from './features/notifications/index.ts'
import { startBenchmarkRefresh } from './features/benchmarking/index.ts'

const USAGE = `Usage: golden-thread <command> [options]

Commands:
  serve                               run the web service (the default)
  migrate                             apply database migrations
  demo                                rebuild the demo council "Example City Council"
  organisation create --name N --slug S
  user create --email E --name N --role R [--unit U] [--organisation SLUG] [--password-stdin]
  token create --email E --name N     print a new API token for that person (shown once)
  token list --email E                list a person's API tokens
  token revoke --id ID                revoke an API token
  report KIND --period P --format F --out FILE [--scope S] [--organisation SLUG]
                                      build a report (KIND: quarterly-performance, scrutiny,
                                      executive, highlight, report-card, year-end; F: html,
                                      docx, pdf, xlsx, csv; S: a programme, directorate or theme)
  import FILE [--dry-run] [--organisation SLUG] [--history REASON]
                                      import measures, targets, values and risks from an .xlsx
                                      workbook or a .csv sheet (all or nothing; see
                                      docs/exchange.md); --dry-run checks without writing;
                                      --history brings past periods' values in approved
  audit verify                        check the audit trail's hash chain
  organisational-measures recompute [--organisation SLUG]
                                      recompute the computed organisational measures
  notify [--organisation SLUG] [--date YYYY-MM-DD]
                                      make today's reminders and send their e-mails (daily)
  backup FILE [--with-secrets]        write every table to FILE (gzipped JSON), without the
                                      cookie-signing secret unless --with-secrets
  restore FILE                        load a backup into an empty database

Configuration comes from environment variables: see .env.example.`

function readStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '')
}

async function withDatabase<T>(
  config: Config,
  run: (database: Database) => Promise<T>,
  options: { migrate: boolean } = { migrate: true },
): Promise<T> {
  const database = await openDatabase(config.database)
  try {
    if (options.migrate) await migrateToLatest(database.db)
    return await run(database)
  } finally {
    await database.close()
  }
}

async function serve(config: Config): Promise<void> {
  const database = await openDatabase(config.database)
  if (config.migrateOnStart || config.database.mode === 'pglite') {
    const { applied } = await migrateToLatest(database.db)
    if (applied.length > 0) console.log(`Applied ${applied.length} migration(s)`)
  }
  const organisations = await database.db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const demoMode = config.demoCouncil === 'auto' && config.database.mode === 'pglite'
  if (demoMode && organisations.n === 0) {
    console.log('Empty database: building the demo council…')
    await buildDemoCouncil(database.db)
  }
  const services = createServices({ config, database, clock: () => new Date() })
  // Imports a stop cut short wrote nothing (one transaction each): show them as failed.
  const interrupted = await services.importRuns.recoverInterrupted()
  if (interrupted > 0) console.log(`${interrupted} interrupted import(s) marked as failed`)
  const app = await createApp({ config, database, services })
  const stopReminders = config.reminders.at
    ? startDailyReminders(
        config.reminders.at,
        async () => {
          for (const { slug, counts } of await services.notifications.runAll({ once: true })) {
            app.log.info({ organisation: slug, ...counts }, 'daily reminders')
          }
        },
        (error) => app.log.error({ err: error }, 'daily reminders failed'),
      )
    : () => undefined
  // Benchmark sources fetched by web address, each on its own schedule, in the background.
  const stopBenchmarks = startBenchmarkRefresh(
    async () => {
      for (const outcome of await services.benchmarking.refreshDue()) {
        app.log.info({ outcome: outcome.status }, outcome.message)
      }
    },
    (error) => app.log.error({ err: error }, 'benchmark refresh failed'),
  )
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    stopReminders()
    stopBenchmarks()
    app.log.info({ signal }, 'stopping: finishing requests in flight')
    try {
      await app.close()
      await services.importRuns.idle()
    } finally {
      await database.close()
      app.log.info('stopped')
      process.exit(0)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  await app.listen({ host: config.host, port: config.port })
  const url = `http://localhost:${config.port}`
  console.log(`Golden Thread is running at ${url} (database: ${database.mode})`)
  if (demoMode) console.log(demoSignInText(url))
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE)
    return 0
  }
  const config = loadConfig()
  switch (command) {
    case 'serve':
      await serve(config)
      return 0
    case 'migrate':
      // Not migrated first by withDatabase, or there would never be anything left to report.
      return withDatabase(
        config,
        async (database) => {
          const { applied } = await migrateToLatest(database.db)
          console.log(
            applied.length > 0
              ? `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:\n` +
                  applied.map((name) => `  ${name}`).join('\n')
              : 'The database is already up to date: no migrations to apply',
          )
          return 0
        },
        { migrate: false },
      )
    case 'demo':
      return withDatabase(config, async (database) => {
        await buildDemoCouncil(database.db)
        console.log(demoSignInText(`http://localhost:${config.port}`))
        return 0
      })
    case 'audit': {
      if (rest[0] !== 'verify') break
      return withDatabase(config, async (database) => {
        const result = await verifyAudit(database.db)
        if (result.ok) {
          console.log(`Audit trail intact: ${result.records} records in ${result.chains} chain(s)`)
          return 0
        }
        const b = result.firstBreak
        console.error(
          `Audit trail broken at record ${b?.seq ?? '?'} of organisation ${b?.organisationId ?? '?'}` +
            `${b?.recordId ? ` (id ${b.recordId})` : ''}: ${b?.reason ?? 'unknown'}`,
        )
        return 2
      })
    }
    case 'organisational-measures': {
      if (rest[0] !== 'recompute') break
      const { values } = parseArgs({
        args: rest.slice(1),
        options: { organisation: { type: 'string' } },
        strict: true,
      })
      return withDatabase(config, (database) =>
        recomputeCommand(
          database.db,
          createServices({ config, database, clock: () => new Date() }).organisationalMeasures
            .computations,
          values.organisation,
        ),
      )
    }
    case 'report': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          period: { type: 'string' },
          format: { type: 'string' },
          out: { type: 'string' },
          scope: { type: 'string' },
          organisation: { type: 'string' },
        },
        strict: true,
      })
      return withDatabase(config, (database) =>
        reportCommand(database.db, { kind: positionals[0], ...values }),
      )
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          'dry-run': { type: 'boolean' },
          organisation: { type: 'string' },
          history: { type: 'string' },
        },
        strict: true,
      })
      return withDatabase(config, (database) => {
        const services = createServices({ config, database, clock: () => new Date() })
        return importCommand(database.db, services.exchange, services.importRuns, {
          file: positionals[0],
          dryRun: values['dry-run'],
          organisation: values.organisation,
          history: values.history,
        })
      })
    }
    case 'notify': {
      const { values } = parseArgs({
        args: rest,
        options: { organisation: { type: 'string' }, date: { type: 'string' } },
        strict: true,
      })
      return withDatabase(config, (database) =>
        notifyCommand(
          createServices({ config, database, clock: () => new Date() }).notifications,
          values,
        ),
      )
    }
    case 'backup':
    case 'restore': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { 'with-secrets': { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      })
      const file = positionals[0]
      if (!file || positionals.length > 1) break
      const withSecrets = values['with-secrets']
      return withDatabase(config, async (database) => {
        if (command === 'backup') {
          const counts = await backupDatabase(database.db, file, { withSecrets })
          console.log(`Backed up ${counts.rows} rows from ${counts.tables} tables to ${file}`)
          console.log(
            withSecrets
              ? 'It includes the cookie-signing secret: keep the file as safe as the server.'
              : 'The cookie-signing secret is not included (add --with-secrets to include it); ' +
                  'after a restore, everyone signs in again.',
          )
        } else {
          const counts = await restoreDatabase(database.db, file)
          console.log(`Restored ${counts.rows} rows into ${counts.tables} tables from ${file}`)
        }
        return 0
      })
    }
    default: {
      const handler = cliCommands[`${command} ${rest[0] ?? ''}`]
      if (!handler) break
      const { values } = parseArgs({
        args: rest.slice(1),
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string' },
          unit: { type: 'string' },
          organisation: { type: 'string' },
          slug: { type: 'string' },
          id: { type: 'string' },
          'password-stdin': { type: 'boolean' },
        },
        strict: true,
      })
      return withDatabase(config, async (database) =>
        handler(
          database.db,
          {
            ...values,
            password: values['password-stdin'] ? readStdin() : undefined,
          },
          config,
        ),
      )
    }
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${USAGE}`)
  return 64
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirLocked) {
      console.error(error.message)
    } else if (error instanceof Invalid) {
      console.error(
        error.fields.map((f) => (f.field ? `--${f.field}: ${f.message}` : f.message)).join('\n'),
      )
    } else if (error instanceof AppError) {
      console.error(error.message)
    } else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`)
    } else {
      console.error(error)
    }
    process.exitCode = 1
  },
)
