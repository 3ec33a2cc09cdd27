ALTER TABLE "email_messages" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "claimed_at" timestamp with time zone;