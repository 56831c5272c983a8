// DejaVu Sans: a free font with every status symbol (▲ ● ✖ ✔ ★ ↻), embedded in PDFs and used to
// draw chart images, so neither depends on the fonts of the machine that renders them.
import { createRequire } from 'node:module'

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
