import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export class DataDirLocked extends Error {}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One process per embedded data directory: PGlite would corrupt files written by two.
 * The lock file holds the owner's pid; a lock left by a process that has died is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'golden-thread.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return () => {
        if (released) return
        released = true
        rmSync(path, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10)
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new DataDirLocked(
          `The data directory ${dataDir} is in use by another Golden Thread process (pid ${owner}). ` +
            'Stop that process first, or set DATA_DIR to a different directory. ' +
            'For several processes on one database, use PostgreSQL (DATABASE_URL).',
        )
      }
      rmSync(path, { force: true })
    }
  }
  throw new DataDirLocked(`Could not lock the data directory ${dataDir}`)
}
