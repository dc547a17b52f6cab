ALTER TABLE "orders" ADD COLUMN "store_account_id" text;--> statement-breakpoint
CREATE INDEX "orders_awaiting_store_idx" ON "orders" USING btree ("store_account_id") WHERE "orders"."store_id" is null;--> statement-breakpoint
UPDATE "orders" SET "store_account_id" = "stores"."account_id" FROM "stores" WHERE "stores"."id" = "orders"."store_id";
