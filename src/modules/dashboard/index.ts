/** The tenant dashboard. */
/** Dashboard page, stats fragment and stats API. */
export { dashboardRoutes } from './dashboard.routes.js';
