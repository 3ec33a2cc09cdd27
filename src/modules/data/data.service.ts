/**
 * The sample tenant-scoped resource. The pattern to copy: the service takes the request's
 * tenant scope (never a tenant id from the client), validates input, enforces plan limits, and
 * reaches the database only through the repository inside `scope.run`.
 */
import { AppError, notFound, validationFailed } from '../../platform/errors.js';
import type { TenantScope } from '../../platform/http/request-context.js';
import { findPlan } from '../billing/index.js';
import { dataRepository, type DataItemRow } from './data.repository.js';

export interface DataItem {
  id: string;
  name: string;
  description: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 2000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toItem(row: DataItemRow): DataItem {
  return { id: row.id, name: row.name, description: row.description, createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function cleanName(name: unknown): string {
  const value = typeof name === 'string' ? name.trim() : '';
  if (!value) throw validationFailed({ name: 'Enter a name' });
  if (value.length > NAME_MAX) throw validationFailed({ name: `Use at most ${NAME_MAX} characters` });
  return value;
}

function cleanDescription(description: unknown): string {
  const value = typeof description === 'string' ? description.trim() : '';
  if (value.length > DESCRIPTION_MAX) throw validationFailed({ description: `Use at most ${DESCRIPTION_MAX} characters` });
  return value;
}

/** Ids that cannot exist answer exactly like ids of other tenants: not found. */
function requireId(id: string): string {
  if (!UUID_RE.test(id)) throw notFound('Item');
  return id;
}

export function createDataService() {
  return {
    async list(scope: TenantScope, page = 1, perPage = 20) {
      const result = await scope.read((tx) => dataRepository.listPage(tx, page, perPage));
      return { items: result.items.map(toItem), nextPage: result.hasMore ? page + 1 : null };
    },
    async get(scope: TenantScope, id: string): Promise<DataItem> {
      const row = await scope.read((tx) => dataRepository.findById(tx, requireId(id)));
      if (!row) throw notFound('Item');
      return toItem(row);
    },
    async create(scope: TenantScope, plan: string, input: { name: unknown; description?: unknown }, userId: string | null): Promise<DataItem> {
      const name = cleanName(input.name);
      const description = cleanDescription(input.description);
      const limit = findPlan(plan)?.limits.dataItems ?? null;
      const row = await scope.run(async (tx) => {
        if (limit !== null && (await dataRepository.count(tx)) >= limit) {
          throw new AppError('plan_limit_reached', `Your plan allows ${limit.toLocaleString('en-US')} items. Delete some or upgrade your plan.`);
        }
        return dataRepository.insert(tx, { name, description, createdBy: userId });
      });
      return toItem(row);
    },
    async update(scope: TenantScope, id: string, input: { name?: unknown; description?: unknown }): Promise<DataItem> {
      const patch: { name?: string; description?: string } = {};
      if (input.name !== undefined) patch.name = cleanName(input.name);
      if (input.description !== undefined) patch.description = cleanDescription(input.description);
      const row = await scope.run((tx) => dataRepository.update(tx, requireId(id), patch));
      if (!row) throw notFound('Item');
      return toItem(row);
    },
    async remove(scope: TenantScope, id: string): Promise<void> {
      const deleted = await scope.run((tx) => dataRepository.delete(tx, requireId(id)));
      if (!deleted) throw notFound('Item');
    },
    async count(scope: TenantScope): Promise<number> {
      return scope.read((tx) => dataRepository.count(tx));
    },
    /** For daily metrics: items that existed at the end of [from, to) (deleted ones are gone), and items created in it. */
    async countsForPeriod(scope: TenantScope, from: Date, to: Date): Promise<{ total: number; created: number }> {
      return scope.read((tx) => dataRepository.countsAt(tx, from, to));
    },
  };
}
export type DataService = ReturnType<typeof createDataService>;
