// Panels that other features put on dashboards, taken through an interface so that dashboards do
// not depend on them. The savings register and budget monitoring connect here: a source gives
// the "Savings and budget" panel and its "savings at risk" exceptions, and registers the
// "% of savings delivered" computation with the organisational measures.
import type { Principal } from '../../core/principal.ts'

export interface PanelRow {
  readonly label: string
  readonly value: string
  readonly href?: string
  /** Status as a word and a symbol, never colour alone. */
  readonly status?: { readonly text: string; readonly symbol: string; readonly tone: string }
}

export interface DashboardPanel {
  readonly key: string
  readonly title: string
  readonly href: string
  readonly summary: string
  readonly rows: readonly PanelRow[]
}

export interface PanelScope {
  /** Units (each with everything beneath it) the panel is limited to; null for the whole council. */
  readonly unitIds: readonly string[] | null
  /** The last day of the period viewed, or null for today. */
  readonly asAtEnd: string | null
}

export interface PanelException {
  readonly href: string
  readonly title: string
  readonly detail: string
  readonly unitId: string | null
}

export interface DashboardPanelSource {
  readonly key: string
  panel(principal: Principal, scope: PanelScope): Promise<DashboardPanel | null>
  /** Items needing attention (for savings: lines at risk). */
  exceptions(principal: Principal, scope: PanelScope): Promise<readonly PanelException[]>
}
