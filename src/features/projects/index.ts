// The projects feature's public face: everything other parts of the application use of it.
import type { HistoryItem, ServiceContext } from '../../web/feature.ts'
import type { ProjectService } from './project-service.ts'
import type { Services } from '../../services.ts'
import type { Principal } from '../../core/principal.ts'
import type { LinkRegistry } from '../links/index.ts'
import type { OrganisationService } from '../organisation/index.ts'
import { projectApi } from './project-api.ts'
import { projectLinkKinds } from './project-link-kinds.ts'
import { projectRoutes } from './project-routes.ts'
import { createProjectService } from './project-service.ts'

export { projectApi, projectGuard } from './project-api.ts'
export { buildDemoProjects } from './project-demo.ts'
export { projectLinkKinds } from './project-link-kinds.ts'
export * as projectPolicy from './project-policy.ts'
export { canSeeUnapprovedUpdates, canViewProject } from './project-policy.ts'
export type { ProjectScope } from './project-policy.ts'
export {
  benefitAmount,
  dueLabel,
  NO_DUE_DATE,
  presentMilestone,
  realisedShare,
} from './project-presenter.ts'
export type { BenefitView, MilestoneView, ProjectView } from './project-presenter.ts'
export * as projectRepository from './project-repository.ts'
export { names, projectRoutes } from './project-routes.ts'
export {
  ASSURANCE_NAMES,
  ASSURANCE_RATINGS,
  CONFIDENCE_NAMES,
  DECISION_NAMES,
  GATEWAY_DECISIONS,
  LEVEL_NAMES,
  MILESTONE_STATUS_NAMES,
  MilestoneChanges,
  MilestoneInput,
  ProjectChanges,
  ProjectInput,
  STAGES,
  STAGE_NAMES,
  STATUS_NAMES,
  StageInput,
} from './project-schemas.ts'
export { createProjectService } from './project-service.ts'
export type { ProjectService } from './project-service.ts'

export const feature = {
  name: 'projects',
  navigation: [{ href: '/projects', text: 'Projects', position: 120 }],
  services: {
    projects: ({
      db,
      clock,
      organisation,
    }: ServiceContext & { organisation: OrganisationService }) =>
      createProjectService({ db, clock, organisation }),
  },
  register: {
    position: 30,
    run: ({ links, projects }: { links: LinkRegistry; projects: ProjectService }) =>
      links.register(...projectLinkKinds(projects)),
  },
  routes: [projectRoutes],
  api: [projectApi],
  tables: ['project_dependencies', 'project_benefits', 'project_milestones', 'projects'],
  historyItems: {
    project: async (services: Services, principal: Principal, id: string): Promise<HistoryItem> => {
      const project = await services.projects.get(principal, id)
      return { title: project.title, href: `/projects/${id}` }
    },
  },
}
