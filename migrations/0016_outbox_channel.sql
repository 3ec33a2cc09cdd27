DROP INDEX "outbox_messages_pending_idx";--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "channel" text DEFAULT 'saas' NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_messages_pending_idx" ON "outbox_messages" USING btree ("channel","available_at") WHERE "outbox_messages"."dispatched_at" is null;