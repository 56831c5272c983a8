// Reading generated documents with real clients: LibreOffice converts Word and Excel files to
// PDF, poppler's pdfinfo and pdftotext read PDFs. Tests skip, saying what to install, without them.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { inflateRawSync } from 'node:zlib'

const run = promisify(execFile)

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .some((dir) => dir !== '' && existsSync(join(dir, command)))
}

/** Why LibreOffice tests cannot run here, or undefined when they can. */
export function sofficeMissing(): string | undefined {
  return onPath('soffice')
    ? undefined
    : 'LibreOffice is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui (skipped)'
}

/** Why PDF checks cannot run here, or undefined when they can. */
export function popplerMissing(): string | undefined {
  return onPath('pdfinfo') && onPath('pdftotext')
    ? undefined
    : 'pdfinfo and pdftotext are not installed: apt-get install poppler-utils (skipped)'
}

/** A temporary directory, removed by the returned function. */
export async function scratch(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gt-report-'))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Converts a file to PDF with LibreOffice headless, in a throwaway profile; returns the PDF. */
export async function convertToPdf(file: string, outDir: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'gt-soffice-profile-'))
  try {
    await run(
      'soffice',
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'pdf',
        '--outdir',
        outDir,
        file,
      ],
      { timeout: 120_000 },
    )
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
  const pdf = join(outDir, basename(file).replace(/\.[^.]+$/, '.pdf'))
  if (!(await readdir(outDir)).includes(basename(pdf))) {
    throw new Error(`LibreOffice did not convert ${basename(file)}`)
  }
  return pdf
}

/** pdfinfo's fields: `Title`, `Pages`, `Tagged`, `Page size`… */
export async function pdfInfo(file: string): Promise<Map<string, string>> {
  const { stdout } = await run('pdfinfo', [file])
  const info = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(':')
    if (at > 0) info.set(line.slice(0, at).trim(), line.slice(at + 1).trim())
  }
  return info
}

/** The PDF's text, pages separated by form feeds. */
export async function pdfText(file: string): Promise<string> {
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
    maxBuffer: 64 * 1024 * 1024,
  })
  return stdout
}

export async function writeTo(dir: string, name: string, body: Buffer): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, body)
  return file
}

/** The entries of a zip file (docx and xlsx are zips), read from its central directory. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error('not a zip file: no end of central directory')
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const entries = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry')
    const method = zip.readUInt16LE(at + 10)
    const compressed = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const data = zip.subarray(dataStart, dataStart + compressed)
    entries.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data))
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** The structure tree as poppler reads it: one line per element, indented by depth. */
export async function pdfStructure(file: string): Promise<string> {
  const { stdout } = await run('pdfinfo', ['-struct-text', file], { maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/**
 * The `/Alt` texts of a PDF written without object streams (as pdfkit writes), decoded from
 * PDF literal strings, UTF-16 where they start with a byte order mark.
 */
export function pdfAltTexts(pdf: Buffer): string[] {
  const texts: string[] = []
  const marker = Buffer.from('/Alt (')
  let at = pdf.indexOf(marker)
  while (at >= 0) {
    const bytes: number[] = []
    let i = at + marker.length
    let depth = 0
    for (; i < pdf.length; i++) {
      const byte = pdf[i] ?? 0
      if (byte === 0x5c) {
        const next = pdf[++i] ?? 0
        const escapes: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 }
        if (next >= 0x30 && next <= 0x37) {
          let octal = ''
          for (let k = 0; k < 3 && (pdf[i] ?? 0) >= 0x30 && (pdf[i] ?? 0) <= 0x37; k++) {
            octal += String.fromCharCode(pdf[i++] ?? 0)
          }
          i--
          bytes.push(parseInt(octal, 8))
        } else bytes.push(escapes[next] ?? next)
        continue
      }
      if (byte === 0x28) depth++
      if (byte === 0x29 && depth-- === 0) break
      bytes.push(byte)
    }
    const raw = Buffer.from(bytes)
    texts.push(
      raw[0] === 0xfe && raw[1] === 0xff
        ? Buffer.from(raw.subarray(2)).swap16().toString('utf16le')
        : raw.toString('latin1'),
    )
    at = pdf.indexOf(marker, i)
  }
  return texts
}
