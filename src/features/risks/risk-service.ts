import type { Kysely } from 'kysely'
import { periodContaining, periodsBetween, PeriodError } from '../../core/periods.ts'
import {
  checkMatrix,
  heatMap,
  mitigationSeries,
  nextReviewDate,
  RiskScoreError,
  riskScore,
  scoreHistory,
  type RiskMatrix,
} from '../../core/risk-scoring.ts'
import type { DB } from '../../db/schema.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts'
import { auditor } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import type { LinkableItem, LinkRegistry } from '../links/index.ts'
import { organisationRepository as orgRepo } from '../organisation/index.ts'
import { UnitTree } from '../../core/unit-tree.ts'
import * as policy from './risk-policy.ts'
import {
  presentAction,
  presentEscalation,
  presentMatrix,
  presentRegister,
  presentReview,
  presentRisk,
  presentScore,
  type ActionView,
  type EscalationView,
  type MatrixView,
  type RegisterView,
  type RiskView,
} from './risk-presenter.ts'
import * as repo from './risk-repository.ts'
import {
  ACTION_STATUS_NAMES,
  REGISTER_RANK,
  type ActionChanges,
  type ActionInput,
  type DeEscalationInput,
  type EscalationInput,
  type MatrixInput,
  type MitigationFrequency,
  type RegisterChanges,
  type RegisterInput,
  type RiskChanges,
  type RiskInput,
  type ReviewInput,
} from './risk-schemas.ts'

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

export type RiskService = ReturnType<typeof createRiskService>

export function createRiskService({ db, clock, links }: RiskDeps) {
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

  const service = {
    today,

    async matrix(principal: Principal): Promise<MatrixView> {
      checkSignedIn(principal)
      return presentMatrix(await repo.findMatrix(db, principal.organisationId))
    },

    async updateMatrix(principal: Principal, input: MatrixInput): Promise<MatrixView> {
      checkSignedIn(principal)
      if (!policy.canConfigureRisks(principal)) throw new Forbidden()
      const matrix: RiskMatrix = {
        size: input.size,
        likelihood: input.likelihood,
        impact: input.impact,
        bands: input.bands,
        appetite: input.appetite,
      }
      try {
        checkMatrix(matrix)
      } catch (error) {
        if (error instanceof RiskScoreError) throw Invalid.field(error.field, error.message)
        throw error
      }
      const loaded = await load(principal)
      const outside = loaded.risks.filter((r) =>
        [r.inherent, r.current, r.target].some(
          (s) => s.likelihood > matrix.size || s.impact > matrix.size,
        ),
      )
      if (outside.length > 0) {
        throw Invalid.field(
          'size',
          `${outside.length} risk${outside.length === 1 ? ' scores' : 's score'} above level ${matrix.size} (${outside
            .slice(0, 5)
            .map((r) => r.reference)
            .join(
              ', ',
            )}): re-score ${outside.length === 1 ? 'it' : 'them'} before making the matrix smaller`,
        )
      }
      return db.transaction().execute(async (trx) => {
        const before = loaded.matrix
        const row = await repo.upsertMatrix(trx, principal.organisationId, matrix, clock())
        const after = presentMatrix(row)
        await audit(trx, principal, {
          action: 'risk_matrix_updated',
          itemType: 'risk_matrix',
          itemId: row.id,
          summary: `Risk matrix set to ${after.size}×${after.size}, tolerable at a score of ${after.appetite} or less`,
          before,
          after,
        })
        return after
      })
    },

    async listRegisters(principal: Principal) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      return loaded.registers
        .filter((r) => loaded.canSeeRegister(r.id))
        .sort(
          (a, b) => REGISTER_RANK[b.level] - REGISTER_RANK[a.level] || a.name.localeCompare(b.name),
        )
        .map((register) => {
          const held = loaded.risks.filter(
            (r) => r.registerId === register.id && r.status === 'open',
          )
          return {
            ...register,
            openRisks: held.length,
            aboveAppetite: held.filter((r) => r.aboveAppetite).length,
            escalatedIn: held.filter((r) => r.escalatedFrom !== null).length,
          }
        })
    },

    /** Registers where the person may raise risks. */
    async manageableRegisters(principal: Principal): Promise<RegisterView[]> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      return loaded.registers.filter(
        (r) => loaded.canSeeRegister(r.id) && policy.canManageRisks(principal, r, loaded.tree),
      )
    },

    async getRegister(principal: Principal, id: string): Promise<RegisterView> {
      checkSignedIn(principal)
      return requireRegisterIn(await load(principal), id)
    },

    /** A register with its risks (filtered), the heat map of its open risks and where escalated ones went. */
    async registerDetail(principal: Principal, id: string, filters: RiskFilters = {}) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const register = requireRegisterIn(loaded, id)
      const held = filterRisks(loaded, { ...filters, registerId: id })
      const open = filterRisks(loaded, { registerId: id, status: 'open' })
      const escalatedAway = loaded.escalations
        .filter((e) => e.open && e.fromRegisterId === id)
        .flatMap((e) => {
          const risk = loaded.risks.find((r) => r.id === e.riskId)
          return risk && loaded.canSeeRisk(risk) ? [{ risk, escalation: e }] : []
        })
      return {
        register,
        parent: register.parentRegisterId
          ? (loaded.registerById.get(register.parentRegisterId) ?? null)
          : null,
        /** Registers this person may open: others are named but not linked. */
        openable: loaded.registers.filter((r) => loaded.canSeeRegister(r.id)).map((r) => r.id),
        beneath: loaded.registers.filter(
          (r) => r.parentRegisterId === id && loaded.canSeeRegister(r.id),
        ),
        matrix: loaded.matrix,
        risks: held,
        heatMap: heatMap(
          loaded.matrix,
          open.map((r) => ({
            id: r.id,
            reference: r.reference,
            likelihood: r.current.likelihood,
            impact: r.current.impact,
          })),
        ),
        escalatedAway,
        canManage: policy.canManageRisks(principal, register, loaded.tree),
        canConfigure: policy.canConfigureRisks(principal),
      }
    },

    async createRegister(principal: Principal, input: RegisterInput): Promise<RegisterView> {
      checkSignedIn(principal)
      if (!policy.canConfigureRisks(principal)) throw new Forbidden()
      const loaded = await load(principal)
      if (input.unitId && !loaded.tree.has(input.unitId)) {
        throw Invalid.field('unitId', 'Select a unit from the list')
      }
      const parentId = input.parentRegisterId ?? null
      if (parentId !== null) {
        const parent = loaded.registerById.get(parentId)
        if (!parent) throw Invalid.field('parentRegisterId', 'Select a register from the list')
        if (REGISTER_RANK[parent.level] <= REGISTER_RANK[input.level]) {
          throw Invalid.field('parentRegisterId', 'The register above must be of a higher level')
        }
      }
      return db.transaction().execute(async (trx) => {
        const register = presentRegister(
          await repo.insertRegister(trx, principal.organisationId, {
            name: input.name,
            level: input.level,
            unit_id: input.unitId ?? null,
            parent_register_id: parentId,
            description: input.description ?? null,
          }),
        )
        await audit(trx, principal, {
          action: 'risk_register_created',
          itemType: 'risk_register',
          itemId: register.id,
          summary: `Risk register "${register.name}" created`,
          after: register,
        })
        return register
      })
    },

    async updateRegister(principal: Principal, id: string, changes: RegisterChanges) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const before = requireRegisterIn(loaded, id)
      if (!policy.canConfigureRisks(principal)) throw new Forbidden()
      const level = changes.level ?? before.level
      if (changes.unitId && !loaded.tree.has(changes.unitId)) {
        throw Invalid.field('unitId', 'Select a unit from the list')
      }
      const parentId =
        changes.parentRegisterId !== undefined
          ? (changes.parentRegisterId ?? null)
          : before.parentRegisterId
      if (parentId !== null) {
        const parent = loaded.registerById.get(parentId)
        if (!parent || parent.id === id) {
          throw Invalid.field('parentRegisterId', 'Select a register from the list')
        }
        if (REGISTER_RANK[parent.level] <= REGISTER_RANK[level]) {
          throw Invalid.field('parentRegisterId', 'The register above must be of a higher level')
        }
      }
      return db.transaction().execute(async (trx) => {
        const after = presentRegister(
          await repo.updateRegister(
            trx,
            principal.organisationId,
            id,
            {
              ...(changes.name !== undefined && { name: changes.name }),
              ...(changes.description !== undefined && {
                description: changes.description ?? null,
              }),
              ...(changes.unitId !== undefined && { unit_id: changes.unitId ?? null }),
              level,
              parent_register_id: parentId,
            },
            clock(),
          ),
        )
        await audit(trx, principal, {
          action: 'risk_register_updated',
          itemType: 'risk_register',
          itemId: id,
          summary: `Risk register "${after.name}" updated`,
          before,
          after,
        })
        return after
      })
    },

    async listRisks(principal: Principal, filters: RiskFilters = {}): Promise<RiskView[]> {
      checkSignedIn(principal)
      return filterRisks(await load(principal), filters)
    },

    /** The matrix, and the registers and risks the person may see, from one read (dashboards). */
    async overview(principal: Principal) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      return {
        matrix: loaded.matrix,
        registers: loaded.registers.filter((r) => loaded.canSeeRegister(r.id)),
        risks: filterRisks(loaded, {}),
      }
    },

    async getRisk(principal: Principal, id: string): Promise<RiskView> {
      checkSignedIn(principal)
      return requireRiskIn(await load(principal), id)
    },

    /** A risk with its score history, actions, escalations and what the person may do. */
    async riskDetail(principal: Principal, id: string) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, id)
      const org = principal.organisationId
      const [reviews, actions, related] = await Promise.all([
        repo.listReviews(db, org, [id]),
        repo.listActions(db, org, [id]),
        service.relatedItems(principal, id),
      ])
      const history = scoreHistory(
        loaded.matrix,
        reviews.map((r) => ({
          ...presentReview(r),
          date: r.reviewed_on,
        })),
      ).map((p) => ({
        ...p.review,
        score: presentScore(loaded.matrix, p.review.likelihood, p.review.impact),
        direction: p.direction,
      }))
      const register = loaded.registerById.get(risk.registerId) ?? null
      const escalationTargets =
        register === null
          ? []
          : loaded.registers.filter((r) => REGISTER_RANK[r.level] > REGISTER_RANK[register.level])
      return {
        risk,
        register,
        matrix: loaded.matrix,
        history,
        actions: actions.map((a) => presentAction(a, loaded.now)),
        escalations: loaded.escalations.filter((e) => e.riskId === id),
        related,
        escalationTargets,
        canManage: canManage(principal, loaded, risk),
        canRecord: canRecord(principal, loaded, risk),
      }
    },

    async createRisk(principal: Principal, input: RiskInput): Promise<RiskView> {
      const id = await db
        .transaction()
        .execute((trx) => service.createRiskIn(trx, principal, input))
      return reload(principal, id)
    },

    /** Raises a risk inside `trx`, with its first review and its audit record. */
    async createRiskIn(trx: Kysely<DB>, principal: Principal, input: RiskInput): Promise<string> {
      checkSignedIn(principal)
      const loaded = await load(principal, trx)
      const register = loaded.registerById.get(input.registerId)
      if (!register || !loaded.canSeeRegister(register.id)) {
        throw Invalid.field('registerId', 'Select the register from the list')
      }
      if (!policy.canManageRisks(principal, register, loaded.tree)) throw new Forbidden()
      const m = loaded.matrix
      score(
        m,
        ['inherentLikelihood', 'inherentImpact'],
        input.inherentLikelihood,
        input.inherentImpact,
      )
      score(m, ['currentLikelihood', 'currentImpact'], input.currentLikelihood, input.currentImpact)
      score(m, ['targetLikelihood', 'targetImpact'], input.targetLikelihood, input.targetImpact)
      await checkPerson(principal, 'ownerId', input.ownerId, trx)
      if (await repo.referenceTaken(trx, principal.organisationId, input.reference)) {
        throw Invalid.field(
          'reference',
          `${input.reference} is already the reference of another risk`,
        )
      }
      const now = loaded.now
      const row = await repo.insertRisk(trx, principal.organisationId, {
        register_id: register.id,
        reference: input.reference,
        title: input.title,
        cause: input.cause ?? null,
        event: input.event ?? null,
        effect: input.effect ?? null,
        category: input.category,
        owner_id: input.ownerId ?? null,
        review_frequency: input.reviewFrequency,
        next_review_date: input.nextReviewDate ?? nextReviewDate(now, input.reviewFrequency),
        inherent_likelihood: input.inherentLikelihood,
        inherent_impact: input.inherentImpact,
        current_likelihood: input.currentLikelihood,
        current_impact: input.currentImpact,
        target_likelihood: input.targetLikelihood,
        target_impact: input.targetImpact,
      })
      // The first assessment starts the score history.
      await repo.insertReview(trx, principal.organisationId, {
        risk_id: row.id,
        reviewed_on: now,
        reviewer_id: recordedPersonId(principal),
        likelihood: input.currentLikelihood,
        impact: input.currentImpact,
        note: 'Assessed when the risk was raised',
      })
      await audit(trx, principal, {
        action: 'risk_created',
        itemType: 'risk',
        itemId: row.id,
        summary: `Risk ${row.reference} "${row.title}" raised in "${register.name}"`,
        after: row,
      })
      return row.id
    },

    /** Edits, closes or reopens (status) a risk. */
    async updateRisk(principal: Principal, id: string, changes: RiskChanges): Promise<RiskView> {
      await db.transaction().execute((trx) => service.updateRiskIn(trx, principal, id, changes))
      return reload(principal, id)
    },

    /** Edits, closes or reopens a risk inside `trx`, with its audit record. */
    async updateRiskIn(
      trx: Kysely<DB>,
      principal: Principal,
      id: string,
      changes: RiskChanges,
    ): Promise<void> {
      checkSignedIn(principal)
      const loaded = await load(principal, trx)
      const before = requireRiskIn(loaded, id)
      if (!canManage(principal, loaded, before)) throw new Forbidden()
      const m = loaded.matrix
      score(
        m,
        ['inherentLikelihood', 'inherentImpact'],
        changes.inherentLikelihood ?? before.inherent.likelihood,
        changes.inherentImpact ?? before.inherent.impact,
      )
      score(
        m,
        ['targetLikelihood', 'targetImpact'],
        changes.targetLikelihood ?? before.target.likelihood,
        changes.targetImpact ?? before.target.impact,
      )
      if (changes.ownerId !== undefined)
        await checkPerson(principal, 'ownerId', changes.ownerId, trx)
      if (
        changes.reference !== undefined &&
        (await repo.referenceTaken(trx, principal.organisationId, changes.reference, id))
      ) {
        throw Invalid.field(
          'reference',
          `${changes.reference} is already the reference of another risk`,
        )
      }
      const closing = changes.status === 'closed' && before.status === 'open'
      const reopening = changes.status === 'open' && before.status === 'closed'
      const row = await repo.updateRisk(
        trx,
        principal.organisationId,
        id,
        {
          ...(changes.reference !== undefined && { reference: changes.reference }),
          ...(changes.title !== undefined && { title: changes.title }),
          ...(changes.cause !== undefined && { cause: changes.cause ?? null }),
          ...(changes.event !== undefined && { event: changes.event ?? null }),
          ...(changes.effect !== undefined && { effect: changes.effect ?? null }),
          ...(changes.category !== undefined && { category: changes.category }),
          ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
          ...(changes.reviewFrequency !== undefined && {
            review_frequency: changes.reviewFrequency,
          }),
          ...(changes.nextReviewDate !== undefined && {
            next_review_date: changes.nextReviewDate ?? null,
          }),
          ...(changes.inherentLikelihood !== undefined && {
            inherent_likelihood: changes.inherentLikelihood,
          }),
          ...(changes.inherentImpact !== undefined && {
            inherent_impact: changes.inherentImpact,
          }),
          ...(changes.targetLikelihood !== undefined && {
            target_likelihood: changes.targetLikelihood,
          }),
          ...(changes.targetImpact !== undefined && { target_impact: changes.targetImpact }),
          ...(changes.status !== undefined && { status: changes.status }),
          ...(closing && { closed_on: loaded.now, closed_reason: changes.closedReason ?? null }),
          ...(reopening && { closed_on: null, closed_reason: null }),
        },
        clock(),
      )
      const action = closing ? 'risk_closed' : reopening ? 'risk_reopened' : 'risk_updated'
      await audit(trx, principal, {
        action,
        itemType: 'risk',
        itemId: id,
        summary:
          closing && changes.closedReason
            ? `Risk ${row.reference} closed: ${changes.closedReason}`
            : `Risk ${row.reference} ${action.replace('risk_', '')}`,
        before,
        after: row,
      })
    },

    async listReviews(principal: Principal, riskId: string) {
      await service.getRisk(principal, riskId)
      return (await repo.listReviews(db, principal.organisationId, [riskId])).map(presentReview)
    },

    /** A review moves the current score when it is the latest, and sets the next review date. */
    async recordReview(principal: Principal, riskId: string, input: ReviewInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canRecord(principal, loaded, risk)) throw new Forbidden()
      if (risk.status === 'closed') {
        throw new Conflict(`${risk.reference} is closed. Reopen it before recording a review.`)
      }
      const scored = score(loaded.matrix, ['likelihood', 'impact'], input.likelihood, input.impact)
      if (input.reviewedOn > loaded.now) {
        throw Invalid.field('reviewedOn', 'The date of the review must be today or in the past')
      }
      const org = principal.organisationId
      const existing = await repo.listReviews(db, org, [riskId])
      const latest = existing.at(-1)?.reviewed_on ?? ''
      const isLatest = input.reviewedOn >= latest
      const review = await db.transaction().execute(async (trx) => {
        const row = await repo.insertReview(trx, org, {
          risk_id: riskId,
          reviewed_on: input.reviewedOn,
          reviewer_id: principal.personId,
          likelihood: input.likelihood,
          impact: input.impact,
          note: input.note,
        })
        if (isLatest) {
          await repo.updateRisk(
            trx,
            org,
            riskId,
            {
              current_likelihood: input.likelihood,
              current_impact: input.impact,
              next_review_date: nextReviewDate(input.reviewedOn, risk.reviewFrequency),
            },
            clock(),
          )
        }
        await audit(trx, principal, {
          action: 'risk_reviewed',
          itemType: 'risk',
          itemId: riskId,
          summary: `Risk ${risk.reference} reviewed on ${input.reviewedOn}: score ${risk.current.score} → ${scored}`,
          after: presentReview(row),
        })
        return presentReview(row)
      })
      return { review, risk: await reload(principal, riskId) }
    },

    async listActions(principal: Principal, riskId: string): Promise<ActionView[]> {
      await service.getRisk(principal, riskId)
      return (await repo.listActions(db, principal.organisationId, [riskId])).map((a) =>
        presentAction(a, today()),
      )
    },

    async getAction(principal: Principal, riskId: string, actionId: string): Promise<ActionView> {
      await service.getRisk(principal, riskId)
      const row = await repo.findAction(db, principal.organisationId, actionId)
      if (row?.risk_id !== riskId) throw new NotFound('Action not found')
      return presentAction(row, today())
    },

    async addAction(principal: Principal, riskId: string, input: ActionInput): Promise<ActionView> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canRecord(principal, loaded, risk)) throw new Forbidden()
      await checkPerson(principal, 'ownerId', input.ownerId)
      return db.transaction().execute(async (trx) => {
        const action = presentAction(
          await repo.insertAction(trx, principal.organisationId, riskId, {
            description: input.description,
            owner_id: input.ownerId ?? null,
            due_date: input.dueDate ?? null,
            status: input.status,
          }),
          loaded.now,
        )
        await audit(trx, principal, {
          action: 'risk_action_added',
          itemType: 'risk',
          itemId: riskId,
          summary: `Mitigating action added to ${risk.reference}: ${action.description}`,
          after: action,
        })
        return action
      })
    },

    async updateAction(
      principal: Principal,
      riskId: string,
      actionId: string,
      changes: ActionChanges,
    ): Promise<ActionView> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      const row = await repo.findAction(db, principal.organisationId, actionId)
      if (row?.risk_id !== riskId) throw new NotFound('Action not found')
      if (!canRecord(principal, loaded, risk)) throw new Forbidden()
      if (changes.ownerId !== undefined) await checkPerson(principal, 'ownerId', changes.ownerId)
      const before = presentAction(row, loaded.now)
      return db.transaction().execute(async (trx) => {
        const after = presentAction(
          await repo.updateAction(
            trx,
            principal.organisationId,
            actionId,
            {
              ...(changes.description !== undefined && { description: changes.description }),
              ...(changes.ownerId !== undefined && { owner_id: changes.ownerId ?? null }),
              ...(changes.dueDate !== undefined && { due_date: changes.dueDate ?? null }),
              ...(changes.status !== undefined && { status: changes.status }),
            },
            clock(),
          ),
          loaded.now,
        )
        await audit(trx, principal, {
          action: 'risk_action_updated',
          itemType: 'risk',
          itemId: riskId,
          summary: `Mitigating action of ${risk.reference} updated: ${after.description}`,
          before,
          after,
        })
        return after
      })
    },

    async escalate(
      principal: Principal,
      riskId: string,
      input: EscalationInput,
    ): Promise<RiskView> {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      const from = loaded.registerById.get(risk.registerId)
      if (!from) throw new NotFound('Register not found')
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      if (risk.status === 'closed') {
        throw new Conflict(`${risk.reference} is closed. Reopen it before escalating it.`)
      }
      if (from.level === 'corporate') {
        throw Invalid.field(
          'toRegisterId',
          `${risk.reference} is on the corporate register, the highest: it cannot be escalated further`,
        )
      }
      const to = loaded.registerById.get(input.toRegisterId)
      if (!to) throw Invalid.field('toRegisterId', 'Select the register to escalate to')
      if (REGISTER_RANK[to.level] <= REGISTER_RANK[from.level]) {
        throw Invalid.field(
          'toRegisterId',
          `Escalate to a register above "${from.name}": a ${to.level} register is not higher`,
        )
      }
      await db.transaction().execute(async (trx) => {
        const org = principal.organisationId
        const escalation = await repo.insertEscalation(trx, org, {
          risk_id: riskId,
          from_register_id: from.id,
          to_register_id: to.id,
          reason: input.reason,
          escalated_on: loaded.now,
          escalated_by_id: principal.personId,
        })
        await repo.updateRisk(trx, org, riskId, { register_id: to.id }, clock())
        await audit(trx, principal, {
          action: 'risk_escalated',
          itemType: 'risk',
          itemId: riskId,
          summary: `Risk ${risk.reference} escalated from "${from.name}" to "${to.name}": ${input.reason}`,
          after: escalation,
        })
      })
      return reload(principal, riskId)
    },

    /** Back to the register it was escalated from; the higher register's managers decide. */
    async deEscalate(principal: Principal, riskId: string, input: DeEscalationInput) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      const arrival = loaded.escalations.find(
        (e) => e.riskId === riskId && e.open && e.toRegisterId === risk.registerId,
      )
      if (!arrival)
        throw new Conflict(
          `${risk.reference} was raised in this register: it has nowhere to go back to.`,
        )
      await db.transaction().execute(async (trx) => {
        const org = principal.organisationId
        const closed = await repo.closeEscalation(trx, org, arrival.id, {
          de_escalated_on: loaded.now,
          de_escalated_by_id: principal.personId,
          de_escalation_reason: input.reason,
        })
        await repo.updateRisk(trx, org, riskId, { register_id: arrival.fromRegisterId }, clock())
        await audit(trx, principal, {
          action: 'risk_de_escalated',
          itemType: 'risk',
          itemId: riskId,
          summary: `Risk ${risk.reference} returned from "${arrival.toRegisterName}" to "${arrival.fromRegisterName}": ${input.reason}`,
          before: arrival,
          after: closed,
        })
      })
      return reload(principal, riskId)
    },

    /** Reviews overdue and due in the next two weeks, soonest first. */
    async reviewsDue(principal: Principal) {
      const risks = await service.listRisks(principal, { status: 'open' })
      const bySoonest = (a: RiskView, b: RiskView) =>
        (a.nextReviewDate ?? '').localeCompare(b.nextReviewDate ?? '')
      return {
        overdue: risks.filter((r) => r.reviewState === 'overdue').sort(bySoonest),
        dueSoon: risks.filter((r) => r.reviewState === 'due_soon').sort(bySoonest),
      }
    },

    async aboveAppetite(principal: Principal) {
      const risks = await service.listRisks(principal, { status: 'open', aboveAppetite: true })
      return risks.sort(
        (a, b) => b.current.score - a.current.score || a.reference.localeCompare(b.reference),
      )
    },

    /**
     * "% of corporate red risks mitigated to tolerable level within 3 months", for every monthly
     * or quarterly period from the one holding `from` to the one holding `to` (ISO dates), over
     * the risks now on corporate registers that the person may see.
     */
    async riskMitigationSeries(
      principal: Principal,
      frequency: MitigationFrequency,
      from: string,
      to: string,
    ) {
      checkSignedIn(principal)
      let periods
      try {
        periods = periodsBetween(periodContaining(from, frequency), periodContaining(to, frequency))
      } catch (error) {
        if (error instanceof PeriodError) throw Invalid.field('from', error.message)
        throw error
      }
      if (periods.length === 0) throw Invalid.field('to', 'The end must be on or after the start')
      if (periods.length > 240) throw Invalid.field('from', 'Ask for 240 periods or fewer')
      const loaded = await load(principal)
      const corporate = new Set(
        loaded.registers.filter((r) => r.level === 'corporate').map((r) => r.id),
      )
      const risks = loaded.risks.filter((r) => corporate.has(r.registerId) && loaded.canSeeRisk(r))
      const reviews = await repo.listReviews(
        db,
        principal.organisationId,
        risks.map((r) => r.id),
      )
      const histories = risks.map((risk) =>
        reviews
          .filter((r) => r.risk_id === risk.id)
          .map((r) => ({ date: r.reviewed_on, likelihood: r.likelihood, impact: r.impact })),
      )
      return mitigationSeries(loaded.matrix, histories, periods, loaded.now).map((point) => ({
        period: {
          frequency: point.period.frequency,
          start: point.period.start,
          label: point.period.label,
        },
        value: point.value,
        numerator: point.numerator,
        denominator: point.denominator,
      }))
    },

    /** Risks as the golden thread shows them, for the link registry. */
    async linkableRisks(principal: Principal, ids?: readonly string[]): Promise<LinkableItem[]> {
      if (principal.roles.length === 0) return []
      const wanted = ids ? new Set(ids) : null
      return (await service.listRisks(principal))
        .filter((r) => wanted === null || wanted.has(r.id))
        .map((r) => ({
          id: r.id,
          title: r.title,
          href: `/risks/${r.id}`,
          hint: `${r.reference}, ${r.registerName}`,
          status: r.current.band,
          active: r.status === 'open',
        }))
    },

    /** Items of other features linked to a risk (projects, once they register their kind). */
    async relatedItems(principal: Principal, riskId: string) {
      const rows = await repo.listRiskLinks(db, principal.organisationId, riskId)
      const out = []
      for (const kind of service.relatedKinds()) {
        const ids = rows.filter((r) => r.item_kind === kind.kind).map((r) => r.item_id)
        const items = ids.length > 0 ? await kind.find(principal, ids) : []
        for (const item of items) {
          const row = rows.find((r) => r.item_kind === kind.kind && r.item_id === item.id)
          if (row) out.push({ linkId: row.id, itemKind: kind.kind, kindName: kind.name, item })
        }
      }
      return out
    },

    relatedKinds() {
      return RELATED_KINDS.flatMap((k) => {
        const kind = links.get(k)
        return kind ? [kind] : []
      })
    },

    async linkRelated(
      principal: Principal,
      riskId: string,
      input: { itemKind: string; itemId: string },
    ) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      const kind = service.relatedKinds().find((k) => k.kind === input.itemKind)
      if (!kind) throw Invalid.field('itemKind', 'Select the kind of item')
      const [item] = await kind.find(principal, [input.itemId])
      if (!item) throw Invalid.field('itemId', `Select a ${kind.name} from the list`)
      const existing = await repo.listRiskLinks(db, principal.organisationId, riskId)
      if (existing.some((l) => l.item_kind === kind.kind && l.item_id === item.id)) {
        throw Invalid.field('itemId', `${item.title} is already linked to ${risk.reference}`)
      }
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertRiskLink(trx, principal.organisationId, {
          risk_id: riskId,
          item_kind: kind.kind,
          item_id: item.id,
        })
        await audit(trx, principal, {
          action: 'risk_item_linked',
          itemType: 'risk',
          itemId: riskId,
          summary: `${item.title} (${kind.name}) linked to risk ${risk.reference}`,
          after: { linkId: row.id, itemKind: kind.kind, itemId: item.id },
        })
        return { linkId: row.id, itemKind: kind.kind, kindName: kind.name, item }
      })
    },

    async unlinkRelated(principal: Principal, riskId: string, linkId: string) {
      checkSignedIn(principal)
      const loaded = await load(principal)
      const risk = requireRiskIn(loaded, riskId)
      const link = (await repo.listRiskLinks(db, principal.organisationId, riskId)).find(
        (l) => l.id === linkId,
      )
      if (!link) throw new NotFound('Link not found')
      if (!canManage(principal, loaded, risk)) throw new Forbidden()
      await db.transaction().execute(async (trx) => {
        await repo.deleteRiskLink(trx, principal.organisationId, linkId)
        await audit(trx, principal, {
          action: 'risk_item_unlinked',
          itemType: 'risk',
          itemId: riskId,
          summary: `A ${link.item_kind} no longer linked to risk ${risk.reference}`,
          before: { linkId, itemKind: link.item_kind, itemId: link.item_id },
        })
      })
    },

    /** For other features' pages: the risks linked to one of their items (a project's risks). */
    async risksLinkedTo(principal: Principal, itemKind: string, itemId: string) {
      const rows = await repo.linksToItem(db, principal.organisationId, itemKind, itemId)
      const ids = new Set(rows.map((r) => r.risk_id))
      return (await service.listRisks(principal)).filter((r) => ids.has(r.id))
    },

    /**
     * For highlight reports: the open risks the person may see that are linked to any of these
     * items, highest current score first, each with the items it is linked to among them and its
     * mitigating actions.
     */
    async openRisksLinkedTo(principal: Principal, itemKind: string, itemIds: readonly string[]) {
      checkSignedIn(principal)
      const org = principal.organisationId
      const rows = await repo.linksToItems(db, org, itemKind, itemIds)
      if (rows.length === 0) return []
      const loaded = await load(principal)
      const linked = new Set(rows.map((r) => r.risk_id))
      const open = filterRisks(loaded, { status: 'open' })
        .filter((r) => linked.has(r.id))
        .sort((a, b) => b.current.score - a.current.score || a.reference.localeCompare(b.reference))
      const actions = await repo.listActions(
        db,
        org,
        open.map((r) => r.id),
      )
      return open.map((risk) => ({
        ...risk,
        linkedTo: rows.filter((r) => r.risk_id === risk.id).map((r) => r.item_id),
        actions: actions
          .filter((a) => a.risk_id === risk.id)
          .map((a) => {
            const action = presentAction(a, loaded.now)
            return { ...action, statusName: ACTION_STATUS_NAMES[action.status] }
          }),
      }))
    },
  }
  return service
}

export type RegisterSummary = Awaited<ReturnType<RiskService['listRegisters']>>[number]
export type RiskDetail = Awaited<ReturnType<RiskService['riskDetail']>>
export type { EscalationView }
