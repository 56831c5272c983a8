import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { Forbidden, Invalid } from '../../errors.ts'
import { recordAudit, actorOf } from '../audit/index.ts'
import type { Principal } from '../../core/principal.ts'
import { projectPolicy as policy, type ProjectService } from '../projects/index.ts'
import { presentGateway, type GatewayView } from './gateway-presenter.ts'
import * as repo from './gateway-repository.ts'
import type { GatewayInput } from './gateway-schemas.ts'

export interface GatewayDeps {
  readonly db: Kysely<DB>
  readonly clock: () => Date
  readonly projects: ProjectService
}

export type GatewayService = ReturnType<typeof createGatewayService>

/**
 * Gateway reviews held by a project or programme board at the end of a stage. Whoever may edit
 * the project records them; everyone who may see the project reads them.
 */
export function createGatewayService({ db, clock, projects }: GatewayDeps) {
  return {
    async list(principal: Principal, projectId: string): Promise<GatewayView[]> {
      await projects.requireProject(principal, projectId)
      return (await repo.listGateways(db, principal.organisationId, [projectId])).map(
        presentGateway,
      )
    },

    /** Reviews of several items at once, for reports; the caller has checked it may see them. */
    async ofProjects(organisationId: string, projectIds: readonly string[]) {
      return (await repo.listGateways(db, organisationId, projectIds)).map(presentGateway)
    },

    async add(principal: Principal, projectId: string, input: GatewayInput): Promise<GatewayView> {
      const { project, scope, portfolio } = await projects.requireProject(principal, projectId)
      if (!policy.canManageProject(principal, scope, portfolio.tree)) throw new Forbidden()
      if (input.reviewDate > clock().toISOString().slice(0, 10)) {
        throw Invalid.field('reviewDate', 'The review date cannot be in the future')
      }
      if (input.decision === 'proceed_with_conditions' && !input.conditions) {
        throw Invalid.field('conditions', 'Enter the conditions the board set')
      }
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertGateway(trx, principal.organisationId, {
          project_id: projectId,
          stage: input.stage,
          decision: input.decision,
          review_date: input.reviewDate,
          reviewer: input.reviewer,
          conditions: input.conditions ?? null,
          recorded_by: principal.personId,
        })
        const view = presentGateway(row)
        await recordAudit(
          trx,
          {
            organisationId: principal.organisationId,
            actor: actorOf(principal),
            action: 'gateway_recorded',
            itemType: 'project',
            itemId: projectId,
            summary: `${view.stageText} gateway of "${project.title}" on ${view.reviewDateText}: ${view.decisionText} (${view.reviewer})`,
            after: row,
          },
          clock,
        )
        return view
      })
    },
  }
}
