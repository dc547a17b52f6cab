ALTER TABLE "reconcile_checkpoints" ALTER COLUMN "last_event_created" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "reconcile_checkpoints" ADD COLUMN "read_below" bigint;--> statement-breakpoint
ALTER TABLE "reconcile_checkpoints" ADD COLUMN "then_to" bigint;