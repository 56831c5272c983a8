// The backup feature's public face: everything other parts of the application use of it.
import type { Feature } from '../../web/feature.ts'

export { backupDatabase, restoreDatabase } from './backup.ts'

export const feature: Feature = {
  name: 'backup',
}
