// svg-to-pdfkit ships no types: the one function we call, with the options we use.
declare module 'svg-to-pdfkit' {
  interface SvgToPdfOptions {
    width?: number
    height?: number
    preserveAspectRatio?: string
    assumePt?: boolean
    precision?: number
    fontCallback?: (
      family: string,
      bold: boolean,
      italic: boolean,
      options: { fauxBold?: boolean; fauxItalic?: boolean },
    ) => string
    warningCallback?: (message: string) => void
  }
  export default function SVGtoPDF(
    doc: PDFKit.PDFDocument,
    svg: string,
    x: number,
    y: number,
    options?: SvgToPdfOptions,
  ): void
}
