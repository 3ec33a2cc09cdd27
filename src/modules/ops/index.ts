/** Operational endpoints: liveness and readiness probes. */
/** /health and /ready. */
export { opsRoutes } from './ops.routes.js';
