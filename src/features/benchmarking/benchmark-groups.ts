// Comparison groups of the council's own choosing: named lists of councils to rank against.
import { actorOf } from '../audit/index.ts'
import { recordedPersonId, type Principal } from '../../core/principal.ts'
import { presentGroup } from './benchmark-presenter.ts'
import * as repo from './benchmark-repository.ts'
import type { GroupInput } from './benchmark-schemas.ts'
import type { BenchmarkCore } from './benchmark-core.ts'

/** Comparison groups; part of the benchmarking service (benchmark-service.ts). */
export function groupOperations(core: BenchmarkCore) {
  const { db, clock, requireManager, requireReader, requireGroup, audit } = core

  return {
    async listGroups(principal: Principal) {
      requireReader(principal)
      const sources = await repo.listSources(db, principal.organisationId)
      const custom = (await repo.listGroups(db, principal.organisationId)).map(presentGroup)
      const builtIn = [
        ...sources.flatMap((s) => [
          ...(s.kind === 'lgbf'
            ? [{ key: `all:${s.id}`, name: `All councils in ${s.name}`, kind: 'all' as const }]
            : []),
          ...(s.kind === 'lgbf' || s.member_name
            ? [
                {
                  key: `family:${s.id}`,
                  name: `Family group in ${s.name}`,
                  kind: 'family' as const,
                },
              ]
            : []),
        ]),
        ...(sources.some((s) => s.kind === 'golden_thread')
          ? [{ key: 'network', name: 'Other Golden Thread councils', kind: 'network' as const }]
          : []),
      ]
      return { builtIn, custom }
    },

    async getGroup(principal: Principal, id: string) {
      return presentGroup(await requireGroup(principal, id))
    },

    async createGroup(principal: Principal, input: GroupInput) {
      requireManager(principal)
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertGroup(trx, {
          organisation_id: principal.organisationId,
          name: input.name,
          description: input.description ?? null,
          members: [...new Set(input.members)],
          created_by: recordedPersonId(principal),
          updated_at: clock(),
        })
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_group_created',
          itemType: 'benchmark_group',
          itemId: created.id,
          summary: `Comparison group ${created.name} of ${created.members.length} councils`,
          after: { name: created.name, members: created.members },
        })
        return created
      })
      return presentGroup(row)
    },

    async updateGroup(principal: Principal, id: string, input: GroupInput) {
      requireManager(principal)
      const before = await requireGroup(principal, id)
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.updateGroup(trx, principal.organisationId, id, {
          name: input.name,
          description: input.description ?? null,
          members: [...new Set(input.members)],
          updated_at: clock(),
        })
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_group_changed',
          itemType: 'benchmark_group',
          itemId: id,
          summary: `Comparison group ${updated.name} changed`,
          before: { name: before.name, members: before.members },
          after: { name: updated.name, members: updated.members },
        })
        return updated
      })
      return presentGroup(row)
    },

    async deleteGroup(principal: Principal, id: string) {
      requireManager(principal)
      const row = await requireGroup(principal, id)
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('benchmark_publications')
          .where('organisation_id', '=', principal.organisationId)
          .where('group_key', '=', id)
          .execute()
        await repo.deleteGroup(trx, principal.organisationId, id)
        await audit(trx, principal.organisationId, actorOf(principal), {
          action: 'benchmark_group_removed',
          itemType: 'benchmark_group',
          itemId: id,
          summary: `Comparison group ${row.name} removed`,
        })
      })
    },
  }
}
