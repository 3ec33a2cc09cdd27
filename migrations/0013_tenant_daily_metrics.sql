CREATE TABLE "tenant_daily_metrics" (
	"tenant_id" uuid DEFAULT nullif(current_setting('app.tenant_id', true), '')::uuid NOT NULL,
	"day" date NOT NULL,
	"members" integer NOT NULL,
	"data_items" integer NOT NULL,
	"items_created" integer NOT NULL,
	"sign_ins" integer NOT NULL,
	"active_users" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_daily_metrics_tenant_id_day_pk" PRIMARY KEY("tenant_id","day")
);
--> statement-breakpoint
ALTER TABLE "tenant_daily_metrics" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenant_daily_metrics" ADD CONSTRAINT "tenant_daily_metrics_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_daily_metrics_tenant" ON "tenant_daily_metrics" AS PERMISSIVE FOR ALL TO public USING ("tenant_daily_metrics"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("tenant_daily_metrics"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- Tenant-owned: row-level security applies to the owner too (see 0001).
ALTER TABLE "tenant_daily_metrics" FORCE ROW LEVEL SECURITY;
