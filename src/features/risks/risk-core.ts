import type { Kysely } from 'kysely'
import { RiskScoreError, riskScore, type RiskMatrix } from '../../core/risk-scoring.ts'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import { type Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import * as policy from './risk-policy.ts'
import {
  presentEscalation,
  presentMatrix,
  presentRegister,
  presentRisk,
  type RegisterView,
  type RiskView,
} from './risk-presenter.ts'
import * as repo from './risk-repository.ts'

export interface RiskDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  /** Kinds of item a risk can be linked to beside the thread, such as projects (see RELATED_KINDS). */
  readonly links: LinkRegistry
}

/**
 * Kinds of item linked to a risk through `risk_links`. A kind takes part once its feature
 * registers it in the link registry; until then it is simply not offered.
 */
export const RELATED_KINDS: readonly string[] = ['project']

export interface RiskFilters {
  readonly registerId?: string | undefined
  readonly status?: 'open' | 'closed' | undefined
  readonly band?: string | undefined
  readonly category?: string | undefined
  readonly ownerId?: string | undefined
  readonly aboveAppetite?: boolean | undefined
  readonly review?: 'overdue' | 'due_soon' | undefined
}

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })

/**
 * What every part of the risk service shares: everything the rules need, read once per call,
 * and the checks each part makes before it reads or writes.
 */
export function riskCore({ db, clock, links }: RiskDeps) {
  const today = () => londonDate.format(clock())

  /**
   * Everything the rules need, read once per call: councils have hundreds of risks, not
   * millions. Read through `q`, a transaction's own handle when called inside one.
   */
  async function load(principal: Principal, q: Kysely<DB> = db) {
    const org = principal.organisationId
    const [matrixRow, registerRows, unitRows, riskRows, escalationRows] = await Promise.all([
      repo.findMatrix(q, org),
      repo.listRegisters(q, org),
      orgRepo.listUnits(q, org),
      repo.listRisks(q, org),
      repo.listEscalations(q, org),
    ])
    const matrix = presentMatrix(matrixRow)
    const tree = new UnitTree(unitRows.map((u) => ({ id: u.id, parentId: u.parent_id })))
    const registers = registerRows.map(presentRegister)
    const registerById = new Map(registers.map((r) => [r.id, r]))
    const registerNames = new Map(registers.map((r) => [r.id, r.name]))
    const escalations = escalationRows.map((e) => presentEscalation(e, registerNames))
    const now = today()
    const risks = riskRows.map((row) => {
      const open = escalations.filter((e) => e.riskId === row.id && e.open)
      const arrival = open.find((e) => e.toRegisterId === row.register_id) ?? null
      return presentRisk(row, { matrix, today: now, registerNames, escalation: arrival })
    })
    /** The register a risk was raised in: where its earliest open escalation began. */
    const homeOf = (risk: RiskView) =>
      escalations.find((e) => e.riskId === risk.id && e.open)?.fromRegisterId ?? risk.registerId
    const canSeeRegister = (id: string) => {
      const register = registerById.get(id)
      return register !== undefined && policy.canViewRegister(principal, register, tree)
    }
    const canSeeRisk = (risk: RiskView) =>
      canSeeRegister(risk.registerId) || canSeeRegister(homeOf(risk))
    return {
      matrix,
      tree,
      registers,
      registerById,
      registerNames,
      escalations,
      risks,
      homeOf,
      canSeeRegister,
      canSeeRisk,
      now,
    }
  }
  type Loaded = Awaited<ReturnType<typeof load>>

  function checkSignedIn(principal: Principal): void {
    if (principal.roles.length === 0) throw new Forbidden()
  }

  function requireRegisterIn(loaded: Loaded, id: string): RegisterView {
    const register = loaded.registerById.get(id)
    if (!register || !loaded.canSeeRegister(id)) throw new NotFound('Register not found')
    return register
  }

  function requireRiskIn(loaded: Loaded, id: string): RiskView {
    const risk = loaded.risks.find((r) => r.id === id)
    if (!risk || !loaded.canSeeRisk(risk)) throw new NotFound('Risk not found')
    return risk
  }

  function scopeOf(loaded: Loaded, registerId: string) {
    return { unitId: loaded.registerById.get(registerId)?.unitId ?? null }
  }

  function canManage(principal: Principal, loaded: Loaded, risk: RiskView): boolean {
    return policy.canManageRisks(principal, scopeOf(loaded, risk.registerId), loaded.tree)
  }

  function canRecord(principal: Principal, loaded: Loaded, risk: RiskView): boolean {
    return [risk.registerId, loaded.homeOf(risk)].some((id) =>
      policy.canRecordOnRisk(
        principal,
        { ...scopeOf(loaded, id), ownerId: risk.ownerId },
        loaded.tree,
      ),
    )
  }

  /** Scoring rules broken by input become field errors for the form and the API. */
  function score(matrix: RiskMatrix, fields: [string, string], likelihood: number, impact: number) {
    try {
      return riskScore(matrix, likelihood, impact)
    } catch (error) {
      if (!(error instanceof RiskScoreError)) throw error
      throw Invalid.field(error.field === 'likelihood' ? fields[0] : fields[1], error.message)
    }
  }

  async function checkPerson(
    principal: Principal,
    field: string,
    id: string | null | undefined,
    q: Kysely<DB> = db,
  ) {
    if (id && !(await orgRepo.findPerson(q, principal.organisationId, id))) {
      throw Invalid.field(field, 'Select a person from the list')
    }
  }

  const audit = auditor<'risk' | 'risk_register' | 'risk_matrix'>({ clock })

  function filterRisks(loaded: Loaded, filters: RiskFilters): RiskView[] {
    return loaded.risks.filter(
      (r) =>
        loaded.canSeeRisk(r) &&
        (filters.registerId === undefined || r.registerId === filters.registerId) &&
        (filters.status === undefined || r.status === filters.status) &&
        (filters.band === undefined || r.current.band === filters.band) &&
        (filters.category === undefined || r.category === filters.category) &&
        (filters.ownerId === undefined || r.ownerId === filters.ownerId) &&
        (filters.aboveAppetite === undefined || r.aboveAppetite === filters.aboveAppetite) &&
        (filters.review === undefined || r.reviewState === filters.review),
    )
  }

  async function reload(principal: Principal, id: string): Promise<RiskView> {
    return requireRiskIn(await load(principal), id)
  }

  async function listRisks(principal: Principal, filters: RiskFilters = {}): Promise<RiskView[]> {
    checkSignedIn(principal)
    return filterRisks(await load(principal), filters)
  }

  async function getRisk(principal: Principal, id: string): Promise<RiskView> {
    checkSignedIn(principal)
    return requireRiskIn(await load(principal), id)
  }

  /** The matrix, and the registers and risks the person may see, from one read (dashboards). */
  async function overview(principal: Principal) {
    checkSignedIn(principal)
    const loaded = await load(principal)
    return {
      matrix: loaded.matrix,
      registers: loaded.registers.filter((r) => loaded.canSeeRegister(r.id)),
      risks: filterRisks(loaded, {}),
    }
  }

  return {
    db,
    clock,
    links,
    today,
    load,
    checkSignedIn,
    requireRegisterIn,
    requireRiskIn,
    scopeOf,
    canManage,
    canRecord,
    score,
    checkPerson,
    audit,
    filterRisks,
    reload,
    listRisks,
    getRisk,
    overview,
  }
}

export type RiskCore = ReturnType<typeof riskCore>
export type Loaded = Awaited<ReturnType<RiskCore['load']>>
