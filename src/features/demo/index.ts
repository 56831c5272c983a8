// The demo feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export {
  DEMO_PASSWORD,
  DEMO_PEOPLE,
  DEMO_SLUG,
  buildDemoCouncil,
  demoSignInText,
} from './demo-council.ts'

export const feature: Feature = {
  name: 'demo',
}
