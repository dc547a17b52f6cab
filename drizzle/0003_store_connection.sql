ALTER TABLE "stores" ADD COLUMN "connection_event_at" bigint;--> statement-breakpoint
UPDATE "stores" SET "connection_event_at" = "last_event_at" WHERE "status" = 'disconnected';
