/** Public marketing pages of the root site. */
/** Landing and pricing routes. */
export { marketingRoutes } from './marketing.routes.js';
