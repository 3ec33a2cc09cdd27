-- The application connects and then switches to the role saas_app (SET ROLE / startup parameter).
-- saas_app owns no table, so row-level security applies to every query it makes; the owner
-- (the role that runs migrations) is the only one that bypasses it, and FORCE makes even the
-- owner obey the policies of tenant-owned tables.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'saas_app') THEN
    CREATE ROLE saas_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;
--> statement-breakpoint
-- The login role used by the app must be able to SET ROLE saas_app.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'saas_app', 'MEMBER') THEN
    EXECUTE format('GRANT saas_app TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'saas_app', 'MEMBER') THEN
    RAISE EXCEPTION 'role % cannot SET ROLE saas_app; run: GRANT saas_app TO %', current_user, current_user;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO saas_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO saas_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO saas_app;
--> statement-breakpoint
-- Tables created by later migrations (run by the same owner) get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO saas_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO saas_app;
--> statement-breakpoint
ALTER TABLE data_items FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Read-only view of the migration history, so a running app can report pending migrations in /ready.
GRANT USAGE ON SCHEMA drizzle TO saas_app;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO saas_app;
