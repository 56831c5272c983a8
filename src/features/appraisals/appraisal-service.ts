// The appraisal service: individual objectives and the yearly appraisal (PDR), the last link of
// the golden thread. Its parts, by what they do: appraisal-cycles (the cycles the performance team
// runs), appraisal-records (reading appraisals), appraisal-objectives (objectives and reviews
// written, agreed and signed off), appraisal-work (the inbox and the reminders), all on
// appraisal-core (who may read what, the audit, the measures recomputed).
import { createAppraisalCore, type AppraisalDeps } from './appraisal-core.ts'
import { cycleOperations } from './appraisal-cycles.ts'
import { objectiveOperations } from './appraisal-objectives.ts'
import { recordOperations } from './appraisal-records.ts'
import { workOperations } from './appraisal-work.ts'

export type { AppraisalDeps } from './appraisal-core.ts'
export { EXPORT_COLUMNS } from './appraisal-cycles.ts'
export type { AppraisalWork } from './appraisal-work.ts'

export type AppraisalService = ReturnType<typeof createAppraisalService>

/**
 * Individual objectives and the yearly appraisal (PDR): the last link of the golden thread.
 * Privacy is decided here: an appraisal is read only by the person, their line managers and
 * the performance team over their unit (appraisal-policy), and every read by anyone but the
 * person is audited.
 */
export function createAppraisalService(deps: AppraisalDeps) {
  const core = createAppraisalCore(deps)
  return {
    ...cycleOperations(core),
    ...recordOperations(core),
    ...objectiveOperations(core),
    ...workOperations(core),
  }
}
