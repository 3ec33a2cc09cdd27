/** The sample tenant-scoped resource ("Data"): the pattern to copy for new tenant-owned resources. */
/** The service (list/get/create/update/remove/count on a tenant scope). */
export { createDataService, type DataService, type DataItem } from './data.service.js';
/** JSON API and htmx page routes. */
export { dataRoutes } from './data.routes.js';
