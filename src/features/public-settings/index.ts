// The public-settings feature's public face: everything other parts of the application use of it.
import { publicSettingsRoutes } from './public-settings-routes.ts'
import { isOrganisationAdministrator } from '../../core/roles.ts'

export { publicSettingsRoutes } from './public-settings-routes.ts'

export const feature = {
  name: 'public-settings',
  navigation: [
    {
      href: '/public-dashboard',
      text: 'Public dashboard',
      position: 210,
      visible: isOrganisationAdministrator,
    },
  ],
  routes: [publicSettingsRoutes],
}
