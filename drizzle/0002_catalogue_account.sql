ALTER TABLE "customers" DROP CONSTRAINT "customers_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "prices" DROP CONSTRAINT "prices_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "products" DROP CONSTRAINT "products_store_id_stores_id_fk";
--> statement-breakpoint
ALTER TABLE "subscriptions" DROP CONSTRAINT "subscriptions_store_id_stores_id_fk";
--> statement-breakpoint
DROP INDEX "customers_store_idx";--> statement-breakpoint
DROP INDEX "prices_store_idx";--> statement-breakpoint
DROP INDEX "products_store_idx";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "account_id" text;--> statement-breakpoint
ALTER TABLE "prices" ADD COLUMN "account_id" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "account_id" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "account_id" text;--> statement-breakpoint
CREATE INDEX "products_account_idx" ON "products" USING btree ("account_id","active");--> statement-breakpoint
UPDATE "customers" SET "account_id" = "stores"."account_id" FROM "stores" WHERE "stores"."id" = "customers"."store_id";--> statement-breakpoint
UPDATE "prices" SET "account_id" = "stores"."account_id" FROM "stores" WHERE "stores"."id" = "prices"."store_id";--> statement-breakpoint
UPDATE "products" SET "account_id" = "stores"."account_id" FROM "stores" WHERE "stores"."id" = "products"."store_id";--> statement-breakpoint
UPDATE "subscriptions" SET "account_id" = "stores"."account_id" FROM "stores" WHERE "stores"."id" = "subscriptions"."store_id";--> statement-breakpoint
ALTER TABLE "customers" DROP COLUMN "store_id";--> statement-breakpoint
ALTER TABLE "prices" DROP COLUMN "store_id";--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN "store_id";--> statement-breakpoint
ALTER TABLE "subscriptions" DROP COLUMN "store_id";