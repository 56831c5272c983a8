// The projects feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { projectApi, projectGuard } from './project-api.ts'
export { buildDemoProjects } from './project-demo.ts'
export { projectLinkKinds } from './project-link-kinds.ts'
export * as projectPolicy from './project-policy.ts'
export { canSeeUnapprovedUpdates, canViewProject } from './project-policy.ts'
export type { ProjectScope } from './project-policy.ts'
export { benefitAmount, dueLabel, presentMilestone, realisedShare } from './project-presenter.ts'
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

export const feature: Feature = {
  name: 'projects',
  navigation: [{ href: '/projects', text: 'Projects', position: 120 }],
}
