// A chart's SVG as a PNG for Word, which shows SVG only in recent versions (and then needs a
// PNG beside it): drawn by resvg with DejaVu Sans, twice the size for sharp printing.
import { Resvg } from '@resvg/resvg-js'
import type { Chart } from '../report-document.ts'
import { FONT_FILES } from './report-fonts.ts'

const SCALE = 2

export interface ChartImage {
  readonly png: Buffer
  /** In pixels of the PNG, so the image keeps its proportions. */
  readonly width: number
  readonly height: number
}

export function chartPng(chart: Chart): ChartImage {
  const resvg = new Resvg(chart.svg, {
    fitTo: { mode: 'width', value: Math.round(chart.width * SCALE) },
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      fontFiles: [FONT_FILES.regular, FONT_FILES.bold],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  })
  const image = resvg.render()
  return { png: image.asPng(), width: image.width, height: image.height }
}
