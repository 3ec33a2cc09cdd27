/**
 * A workspace's logo: PNG, JPEG or WebP up to MAX_LOGO_BYTES, recognised by its first bytes (the
 * name and type the browser sends are never believed; SVG is refused, as it can carry script).
 * Stored in the database with the workspace's other rows; served at `/logo` on its host.
 */
import type { Deps } from '../../platform/deps.js';
import { AppError, notFound, validationFailed } from '../../platform/errors.js';
import type { AuditService } from '../audit/index.js';
import { createLogoRepository, type LogoRow } from './logo.repository.js';
import type { Actor, ChangeOrigin, TenantsService } from './tenants.service.js';

export const MAX_LOGO_BYTES = 256 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The image type its bytes say, or null when it is none of the three we take. */
export function detectLogoType(bytes: Uint8Array): LogoType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** The version of a workspace's logo (epoch ms of its last change), as its URL carries it. */
export const logoVersion = (updatedAt: Date) => String(updatedAt.getTime());

export { logoUrlOf } from '../../platform/http/workspace-page.js';

export const LOGO_TOO_LARGE = `The image is too large: use one of at most ${MAX_LOGO_BYTES / 1024} KB.`;
export const LOGO_WRONG_TYPE = 'Use a PNG, JPEG or WebP image (SVG and other files are not accepted).';

export function createLogoService(deps: Pick<Deps, 'database'>, tenants: TenantsService, audit: AuditService) {
  const repo = createLogoRepository();

  return {
    /** Replaces the workspace's logo; `validation_failed` on `logo` for a file that is empty, too large or not an image we take. */
    async setLogo(tenantId: string, bytes: Uint8Array, origin: ChangeOrigin, actor: Actor): Promise<Date> {
      if (bytes.length === 0) throw validationFailed({ logo: 'Choose an image file to upload.' });
      if (bytes.length > MAX_LOGO_BYTES) throw validationFailed({ logo: LOGO_TOO_LARGE });
      const contentType = detectLogoType(bytes);
      if (!contentType) throw validationFailed({ logo: LOGO_WRONG_TYPE });
      const at = new Date();
      const subdomain = await deps.database.withTenant(tenantId, async (tx) => {
        const sub = await repo.save(tx, { contentType, data: bytes }, at);
        if (!sub) throw notFound('Tenant');
        await audit.record(
          { action: 'tenant.logo_changed', tenantId, actorUserId: actor.userId, actorEmail: actor.email, target: { type: 'tenant', id: tenantId }, details: { via: origin.via, type: contentType, bytes: bytes.length } },
          origin.context,
          tx,
        );
        return sub;
      });
      await tenants.forgetCachedTenant(subdomain);
      return at;
    },

    /**
     * Removes the logo the caller saw (`expectedVersion`, from the page): a stale or missing version
     * is refused with 409 rather than removing a logo someone else has just uploaded.
     */
    async removeLogo(tenantId: string, expectedVersion: string, origin: ChangeOrigin, actor: Actor): Promise<void> {
      const subdomain = await deps.database.withTenant(tenantId, async (tx) => {
        const current = await repo.find(tx);
        if (!current) throw new AppError('conflict', 'The workspace has no logo to remove.');
        if (logoVersion(current.updatedAt) !== expectedVersion) throw new AppError('conflict', 'The logo changed since you opened the page: reload it and try again.');
        const sub = await repo.remove(tx);
        await audit.record(
          { action: 'tenant.logo_removed', tenantId, actorUserId: actor.userId, actorEmail: actor.email, target: { type: 'tenant', id: tenantId }, details: { via: origin.via } },
          origin.context,
          tx,
        );
        return sub;
      });
      if (subdomain) await tenants.forgetCachedTenant(subdomain);
    },

    /** The stored logo (bytes, type, version), or null. */
    async getLogo(tenantId: string): Promise<LogoRow | null> {
      return deps.database.readTenant(tenantId, (tx) => repo.find(tx));
    },
  };
}

export type LogoService = ReturnType<typeof createLogoService>;
