import type { Kysely } from 'kysely'
import type { UnitTree } from '../../core/unit-tree.ts'
import type { DB } from '../../db/schema.ts'
import type { ProjectScope } from '../projects/index.ts'

/** A project update's workflow step, told the same way. */
export interface UpdateEvent {
  readonly organisationId: string
  readonly actorId: string | null
  readonly change: 'submitted' | 'returned' | 'approved'
  readonly project: { readonly id: string; readonly title: string }
  readonly scope: ProjectScope
  readonly update: {
    readonly id: string
    readonly monthLabel: string
    readonly version: number
    readonly authorId: string | null
    readonly submittedBy: string | null
  }
  readonly reason?: string | null
  readonly tree: UnitTree
}

/** What the update service tells as updates move (the notifications feature provides it). */
export interface UpdateNotifier {
  updateChanged(trx: Kysely<DB>, event: UpdateEvent): Promise<void>
  /** After the transaction commits: e-mails those who asked for them at once. */
  deliver(organisationId: string): Promise<void>
}
