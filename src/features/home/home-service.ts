import type { Principal } from '../../core/principal.ts'
import type { DashboardService } from '../dashboards/index.ts'
import type { ProjectService } from '../projects/index.ts'
import type { QueryService } from '../queries/index.ts'
import type { Task, TaskService } from '../tasks/index.ts'

/** One at-a-glance figure: a number, what it counts, and where to see the items counted. */
export interface Figure {
  readonly value: number
  readonly label: string
  readonly href: string
}

/** A part of the home page for one of the person's roles: its heading and figures. */
export interface Glance {
  readonly heading: string
  readonly figures: readonly Figure[]
}

const count = (tasks: readonly Task[], test: (t: Task) => boolean) => tasks.filter(test).length
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many)

export interface HomeDeps {
  readonly tasks: TaskService
  readonly dashboards: DashboardService
  readonly projects: ProjectService
  readonly queries: QueryService
}

/**
 * The home page by role: the person's own tasks first, then the figures their role looks at
 * (data entry: what is due; approvers: what waits; project leads and SROs: their projects;
 * directors: their directorate by exception; councillors: their portfolio; the performance
 * team: the council; partners: what is shared with them).
 */
export function createHomeService({ tasks, dashboards, projects }: HomeDeps) {
  return {
    async home(principal: Principal) {
      const mine = await tasks.list(principal)
      const roles = new Set(principal.roles.map((g) => g.role))
      const glances: Glance[] = []
      const start = principal.roles.length > 0 ? await dashboards.startingPoints(principal) : null

      if (roles.has('data_entry')) {
        const overdue = count(mine, (t) => t.kind === 'value_to_enter' && t.overdue)
        const returned = count(
          mine,
          (t) => t.kind === 'value_to_enter' && t.detail.startsWith('Returned'),
        )
        const toEnter = count(mine, (t) => t.kind === 'value_to_enter')
        glances.push({
          heading: 'Your data entry',
          figures: [
            {
              value: overdue,
              label: `${plural(overdue, 'value', 'values')} overdue`,
              href: '/my-updates',
            },
            { value: returned, label: `returned to you`, href: '/my-updates' },
            {
              value: toEnter,
              label: `${plural(toEnter, 'value', 'values')} to enter in all`,
              href: '/my-updates',
            },
          ],
        })
      }
      if (roles.has('approver') || mine.some((t) => t.approvalKey !== null)) {
        const values = count(mine, (t) => t.kind === 'value_to_approve')
        const updates = count(mine, (t) => t.kind === 'update_to_approve')
        glances.push({
          heading: 'Waiting for your sign-off',
          figures: [
            {
              value: values,
              label: plural(values, 'value', 'values'),
              href: '/tasks#tasks-value_to_approve',
            },
            {
              value: updates,
              label: plural(updates, 'project update', 'project updates'),
              href: '/tasks#tasks-update_to_approve',
            },
          ],
        })
      }
      if (principal.roles.length > 0) {
        const led = (await projects.list(principal)).filter(
          (p) => p.managerId === principal.personId || p.sroId === principal.personId,
        )
        if (led.length > 0) {
          const off = led.filter((p) => p.status === 'off_track').length
          const atRisk = led.filter((p) => p.status === 'at_risk').length
          const late = count(mine, (t) => t.kind === 'milestone_overdue')
          glances.push({
            heading: 'Programmes and projects you lead or sponsor',
            figures: [
              { value: led.length, label: 'in all', href: '/projects' },
              { value: off, label: 'off track', href: '/projects' },
              { value: atRisk, label: 'at risk', href: '/projects' },
              {
                value: late,
                label: plural(late, 'milestone past its date', 'milestones past their date'),
                href: '/tasks#tasks-milestone_overdue',
              },
            ],
          })
        }
      }
      const exceptionGlance = async (
        heading: string,
        filters: { unitId?: string; holderId?: string },
        href: string,
      ) => {
        const found = await dashboards.exceptions(principal, { ...filters, pageSize: 1 })
        glances.push({
          heading,
          figures: [
            {
              value: found.counts.measures,
              label: plural(found.counts.measures, 'measure', 'measures'),
              href,
            },
            { value: found.counts.projects, label: 'programmes and projects', href },
            { value: found.counts.risks, label: plural(found.counts.risks, 'risk', 'risks'), href },
            ...(found.counts.savings
              ? [{ value: found.counts.savings, label: 'savings lines', href }]
              : []),
          ],
        })
      }
      if (roles.has('viewer') && start?.directorate) {
        await exceptionGlance(
          `Needing attention in ${start.directorate.name}`,
          { unitId: start.directorate.id },
          `/dashboards/exceptions?unitId=${start.directorate.id}`,
        )
      }
      if (roles.has('councillor')) {
        if (start?.portfolio) {
          await exceptionGlance(
            'Needing attention in your portfolio',
            { holderId: principal.personId },
            `/dashboards/exceptions?holderId=${principal.personId}`,
          )
        } else {
          await exceptionGlance(
            'Needing attention across the council',
            {},
            '/dashboards/exceptions',
          )
        }
      }
      if (roles.has('performance_officer') || (roles.has('viewer') && !start?.directorate)) {
        await exceptionGlance('Needing attention across the council', {}, '/dashboards/exceptions')
      }
      if (roles.has('partner')) {
        const shared = await projects.list(principal)
        glances.push({
          heading: 'Shared with you',
          figures: [{ value: shared.length, label: 'programmes and projects', href: '/projects' }],
        })
      }
      return { tasks: mine, glances, start }
    },
  }
}

export type HomeService = ReturnType<typeof createHomeService>
