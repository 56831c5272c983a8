import { checkMatrix, heatMap, RiskScoreError, type RiskMatrix } from '../../core/risk-scoring.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import { type Principal } from '../../core/principal.ts'
import * as policy from './risk-policy.ts'
import {
  presentMatrix,
  presentRegister,
  type MatrixView,
  type RegisterView,
} from './risk-presenter.ts'
import * as repo from './risk-repository.ts'
import {
  REGISTER_RANK,
  type MatrixInput,
  type RegisterChanges,
  type RegisterInput,
} from './risk-schemas.ts'
import type { RiskCore, RiskFilters } from './risk-core.ts'

/** The risk matrix and the registers: who sees and manages which. */
export function riskRegisterService(core: RiskCore) {
  const { db, clock, load, checkSignedIn, requireRegisterIn, audit, filterRisks } = core
  const service = {
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
  }
  return service
}
