ALTER TABLE "subscriptions" ADD COLUMN "latest_invoice_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "latest_invoice_created" bigint;