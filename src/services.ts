/**
 * The services every entry point (web, worker, CLI) shares, built once from the dependencies.
 * Routes, jobs and commands call these; none of them builds its own.
 */
import type { Deps } from './platform/deps.js';
import { createAuthService } from './modules/auth/index.js';
import { createDataService } from './modules/data/index.js';
import { createTenantsService } from './modules/tenants/index.js';

export function createServices(deps: Deps) {
  const auth = createAuthService(deps);
  const tenants = createTenantsService(deps, auth);
  const data = createDataService();
  return { auth, tenants, data };
}
export type Services = ReturnType<typeof createServices>;
