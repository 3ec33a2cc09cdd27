ALTER TABLE "mfa_pending" ADD COLUMN "email_code_hash" text;--> statement-breakpoint
ALTER TABLE "mfa_pending" ADD COLUMN "email_code_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mfa_pending" ADD COLUMN "email_codes_sent" integer DEFAULT 0 NOT NULL;