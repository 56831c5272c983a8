// A chart's SVG as a PNG for Word, which shows SVG only in recent versions (and then needs a
// PNG beside it): drawn by resvg with DejaVu Sans, twice the size for sharp printing. Charts
// are drawn off the main thread, several at once.
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js'
import type { Chart } from '../report-document.ts'
import { FONT_FILES } from './report-fonts.ts'

const SCALE = 2

export interface ChartImage {
  readonly png: Buffer
  /** In pixels of the PNG, so the image keeps its proportions. */
  readonly width: number
  readonly height: number
}

export async function chartPng(chart: Chart): Promise<ChartImage> {
  const options: ResvgRenderOptions = {
    fitTo: { mode: 'width', value: Math.round(chart.width * SCALE) },
    background: '#ffffff',
    font: {
      loadSystemFonts: false,
      // Charts set no bold text: the regular face alone halves the fonts resvg reads per chart.
      fontFiles: [FONT_FILES.regular],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  }
  const image = await renderAsync(chart.svg, options)
  return { png: image.asPng(), width: image.width, height: image.height }
}

/** Every chart of a list drawn at once, keyed by the chart. */
export async function chartPngs(charts: readonly Chart[]): Promise<Map<Chart, ChartImage>> {
  const images = await Promise.all(charts.map(chartPng))
  return new Map(charts.map((chart, i) => [chart, images[i] as ChartImage]))
}
