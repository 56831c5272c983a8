// DejaVu Sans: a free font with every status symbol (▲ ● ✖ ✔ ★ ↻), embedded in PDFs and used to
// draw chart images, so neither depends on the fonts of the machine that renders them.
import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import type { MeasureText } from './render-helpers.ts'

const require = createRequire(import.meta.url)

function fontFile(name: string): string {
  return require.resolve(`dejavu-fonts-ttf/ttf/${name}`)
}

export const FONT_FILES = {
  regular: fontFile('DejaVuSans.ttf'),
  bold: fontFile('DejaVuSans-Bold.ttf'),
  italic: fontFile('DejaVuSans-Oblique.ttf'),
  boldItalic: fontFile('DejaVuSans-BoldOblique.ttf'),
} as const

let measurer: PDFKit.PDFDocument | null = null

/**
 * Widths of text in DejaVu Sans at `size` points, for laying out tables in documents that are
 * not drawn here (Word). DejaVu is wider than Arial and its metric twin Liberation Sans, so a
 * column wide enough for a word in DejaVu is wide enough in them.
 */
export function dejaVuMeasure(size: number): MeasureText {
  measurer ??= new PDFDocument({ autoFirstPage: false, font: FONT_FILES.regular })
  const pdf = measurer
  return (text, bold) =>
    pdf
      .font(bold ? FONT_FILES.bold : FONT_FILES.regular)
      .fontSize(size)
      .widthOfString(text)
}
