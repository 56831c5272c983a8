import type { Principal } from '../core/principal.ts'
import { canImport } from '../features/exchange/exchange-policy.ts'
import { canViewAudit } from '../features/audit/audit-policy.ts'

const entersValues = (p: Principal) => p.roles.some((g) => g.role === 'data_entry')
const approves = (p: Principal) => p.roles.some((g) => g.role === 'approver')
const administers = (p: Principal) =>
  p.roles.some((g) => g.role === 'administrator' && g.unitId === null)

interface NavItem {
  readonly href: string
  readonly text: string
  readonly active?: boolean
}

const sections: readonly { href: string; text: string; visible?: (p: Principal) => boolean }[] = [
  { href: '/', text: 'Home' },
  // Its text gains the count of tasks on each page (setUpTaskCount).
  { href: '/tasks', text: 'Your tasks', visible: (p) => p.roles.length > 0 },
  { href: '/dashboards', text: 'Dashboards' },
  { href: '/units', text: 'Units' },
  { href: '/people', text: 'People' },
  { href: '/plans', text: 'Plans' },
  {
    href: '/appraisals',
    text: 'Appraisals',
    visible: (p) => p.roles.some((g) => g.role !== 'partner' && g.role !== 'councillor'),
  },
  { href: '/alignment', text: 'Alignment' },
  { href: '/measures', text: 'Measures' },
  { href: '/my-updates', text: 'My updates', visible: entersValues },
  { href: '/approvals', text: 'Approvals', visible: approves },
  { href: '/projects', text: 'Projects' },
  { href: '/risks', text: 'Risks' },
  { href: '/partnerships', text: 'Partnerships' },
  { href: '/benchmarking', text: 'Benchmarking' },
  { href: '/savings', text: 'Savings' },
  { href: '/budgets', text: 'Budgets' },
  { href: '/reports', text: 'Reports', visible: (p) => p.roles.some((g) => g.role !== 'partner') },
  { href: '/exchange', text: 'Import and export', visible: canImport },
  { href: '/audit', text: 'Audit log', visible: canViewAudit },
  { href: '/public-dashboard', text: 'Public dashboard', visible: administers },
]

/** The service navigation, with the section holding the current page marked. */
export function navigationFor(principal: Principal, path: string): NavItem[] {
  return sections
    .filter((s) => s.visible?.(principal) ?? true)
    .map((s) => ({
      href: s.href,
      text: s.text,
      active: s.href === '/' ? path === '/' : path === s.href || path.startsWith(`${s.href}/`),
    }))
}
