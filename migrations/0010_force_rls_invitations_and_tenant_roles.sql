-- Tenant-owned tables: row-level security applies to their owner too (see 0001).
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE tenant_roles FORCE ROW LEVEL SECURITY;
