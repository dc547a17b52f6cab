import { relations, sql } from 'drizzle-orm';
import {
  bigint, boolean, check, index, integer, json, jsonb, pgTable, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

// Conventions: surrogate `id`s are identity integers, so `ORDER BY id` is insertion order and
// admin cursors stay stable while rows arrive. Every Stripe id is unique. `last_event_at` is
// the `created` second of the last Stripe event applied to the row: upserts only win when
// their event is not older (see lib/webhook for how same-second ties are settled).

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const money = (name: string) => bigint(name, { mode: 'number' });
const lastEventAt = () => bigint('last_event_at', { mode: 'number' });
const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const storeStatuses = ['pending', 'active', 'restricted', 'disconnected'] as const;
export type StoreStatus = (typeof storeStatuses)[number];

export interface StorePage {
  slug: 'home' | 'products' | 'about' | 'contact';
  title: string;
  body: string;
}
export interface StoreSettings {
  currency: string;
  feeBps: number;
}

export const stores = pgTable('stores', {
  id: id(),
  accountId: text('account_id').notNull().unique(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  email: text('email'),
  country: text('country'),
  status: text('status', { enum: storeStatuses }).notNull().default('pending'),
  chargesEnabled: boolean('charges_enabled').notNull().default(false),
  payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
  disabledReason: text('disabled_reason'),
  pages: jsonb('pages').$type<StorePage[]>().notNull().default([]),
  settings: jsonb('settings').$type<StoreSettings>().notNull(),
  /** Set when the seller edits pages or name; Stripe updates then leave those alone. */
  sellerEditedAt: timestamp('seller_edited_at', { withTimezone: true }),
  /** `created` of the newest account snapshot applied (details and status). */
  lastEventAt: lastEventAt(),
  /**
   * `created` of the newest deauthorisation or authorisation applied: whether the platform is
   * connected is ordered by those events alone, so a snapshot's time never decides it.
   */
  connectionEventAt: bigint('connection_event_at', { mode: 'number' }),
  ...timestamps,
}, (t) => [
  index('stores_status_idx').on(t.status, t.id),
  check('stores_status_check', sql`${t.status} in ('pending','active','restricted','disconnected')`),
]);

export const customers = pgTable('customers', {
  id: id(),
  stripeId: text('stripe_id').notNull().unique(),
  /** The connected account whose customer this is (`event.account`); null on the platform. */
  accountId: text('account_id'),
  email: text('email'),
  name: text('name'),
  deleted: boolean('deleted').notNull().default(false),
  lastEventAt: lastEventAt(),
  ...timestamps,
}, (t) => [index('customers_email_idx').on(t.email)]);

export const products = pgTable('products', {
  id: id(),
  stripeId: text('stripe_id').notNull().unique(),
  /**
   * The connected account the object belongs to (`event.account`, or the platform's store tag),
   * as the event says it: its store is found through `stores.account_id` when read, so a row
   * seen before its store (or a price before its product) is never left without one.
   */
  accountId: text('account_id'),
  name: text('name').notNull(),
  description: text('description'),
  images: jsonb('images').$type<string[]>().notNull().default([]),
  active: boolean('active').notNull().default(true),
  lastEventAt: lastEventAt(),
  ...timestamps,
}, (t) => [index('products_account_idx').on(t.accountId, t.active)]);

export const prices = pgTable('prices', {
  id: id(),
  stripeId: text('stripe_id').notNull().unique(),
  /** Stripe product id, not a foreign key: a price event can arrive before its product's. */
  productStripeId: text('product_stripe_id').notNull(),
  /** The price's own account or store tag; null means its product's (price-owner.ts). */
  accountId: text('account_id'),
  currency: text('currency').notNull(),
  /** Null when there is no fixed amount to sell: customer-chosen or metered. */
  unitAmount: money('unit_amount'),
  type: text('type', { enum: ['one_time', 'recurring'] }).notNull(),
  recurringInterval: text('recurring_interval'),
  /** Every how many intervals it bills: 3 with `month` is quarterly. */
  recurringIntervalCount: integer('recurring_interval_count'),
  active: boolean('active').notNull().default(true),
  lastEventAt: lastEventAt(),
  ...timestamps,
}, (t) => [index('prices_product_idx').on(t.productStripeId)]);

export const orderStatuses = [
  'open', 'processing', 'paid', 'partially_refunded', 'refunded', 'failed', 'expired', 'disputed',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface OrderItem {
  priceId: string;
  productId: string | null;
  name: string;
  quantity: number;
  unitAmount: number | null;
  amountTotal: number | null;
  /** A recurring price: its entitlement follows the subscription. Absent on older rows. */
  recurring?: boolean;
}

export const orders = pgTable('orders', {
  id: id(),
  checkoutSessionId: text('checkout_session_id').unique(),
  paymentIntentId: text('payment_intent_id').unique(),
  chargeId: text('charge_id').unique(),
  subscriptionStripeId: text('subscription_stripe_id'),
  storeId: bigint('store_id', { mode: 'number' }).references(() => stores.id),
  /**
   * The connected account the payment named (destination, `on_behalf_of`, `event.account`, the
   * session's tag): a store built after the order (its first account event came later) adopts it.
   */
  storeAccountId: text('store_account_id'),
  customerStripeId: text('customer_stripe_id'),
  email: text('email'),
  mode: text('mode', { enum: ['payment', 'subscription'] }).notNull().default('payment'),
  status: text('status', { enum: orderStatuses }).notNull().default('open'),
  currency: text('currency').notNull(),
  amountSubtotal: money('amount_subtotal'),
  amountTotal: money('amount_total').notNull(),
  amountRefunded: money('amount_refunded').notNull().default(0),
  applicationFeeAmount: money('application_fee_amount'),
  items: jsonb('items').$type<OrderItem[]>().notNull().default([]),
  receiptUrl: text('receipt_url'),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  fulfilledAt: timestamp('fulfilled_at', { withTimezone: true }),
  refundedAt: timestamp('refunded_at', { withTimezone: true }),
  lastEventAt: lastEventAt(),
  ...timestamps,
}, (t) => [
  index('orders_status_idx').on(t.status, t.id),
  index('orders_store_idx').on(t.storeId, t.id),
  // Only orders waiting for their store: platform orders (no account) stay out of it.
  index('orders_awaiting_store_idx').on(t.storeAccountId).where(sql`${t.storeId} is null and ${t.storeAccountId} is not null`),
  index('orders_email_idx').on(t.email),
  check('orders_amounts_check', sql`${t.amountTotal} >= 0 and ${t.amountRefunded} >= 0`),
]);

export const entitlements = pgTable('entitlements', {
  id: id(),
  orderId: bigint('order_id', { mode: 'number' }).references(() => orders.id),
  subscriptionStripeId: text('subscription_stripe_id'),
  productStripeId: text('product_stripe_id').notNull(),
  customerStripeId: text('customer_stripe_id'),
  email: text('email'),
  active: boolean('active').notNull().default(true),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('entitlements_order_product_uq').on(t.orderId, t.productStripeId),
  uniqueIndex('entitlements_subscription_product_uq').on(t.subscriptionStripeId, t.productStripeId),
  index('entitlements_email_idx').on(t.email),
]);

export const subscriptions = pgTable('subscriptions', {
  id: id(),
  stripeId: text('stripe_id').notNull().unique(),
  customerStripeId: text('customer_stripe_id'),
  /** The connected account it bills for (`event.account` or the destination); null on the platform. */
  accountId: text('account_id'),
  status: text('status').notNull(),
  priceIds: jsonb('price_ids').$type<string[]>().notNull().default([]),
  productIds: jsonb('product_ids').$type<string[]>().notNull().default([]),
  /**
   * `product_ids` before the last change applied, as the row held it when locked: the products
   * that change dropped are revoked from it in the same statement, including one a concurrent
   * change had just granted (a query of entitlements in that statement would not see it).
   */
  previousProductIds: jsonb('previous_product_ids').$type<string[]>().notNull().default([]),
  currentPeriodStart: bigint('current_period_start', { mode: 'number' }),
  currentPeriodEnd: bigint('current_period_end', { mode: 'number' }),
  cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
  /** The newest invoice's outcome: invoices are ordered by their own `created`, not by arrival. */
  latestInvoiceStatus: text('latest_invoice_status'),
  latestInvoiceId: text('latest_invoice_id'),
  latestInvoiceCreated: bigint('latest_invoice_created', { mode: 'number' }),
  lastEventAt: lastEventAt(),
  ...timestamps,
}, (t) => [index('subscriptions_customer_idx').on(t.customerStripeId)]);

export const webhookEventStatuses = ['processing', 'processed', 'failed', 'ignored'] as const;
export type WebhookEventStatus = (typeof webhookEventStatuses)[number];

export const webhookEvents = pgTable('webhook_events', {
  /** Stripe's event id: the primary key is what makes a delivery exactly-once. */
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  accountId: text('account_id'),
  apiVersion: text('api_version'),
  /** Stripe's `created`, unix seconds. */
  stripeCreated: bigint('stripe_created', { mode: 'number' }).notNull(),
  /** `json`, not `jsonb`: Postgres keeps the text exactly as Stripe sent it. */
  payload: json('payload').notNull(),
  status: text('status', { enum: webhookEventStatuses }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  source: text('source', { enum: ['webhook', 'replay', 'reconcile'] }).notNull().default('webhook'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('webhook_events_status_idx').on(t.status, t.receivedAt),
  index('webhook_events_type_idx').on(t.type, t.receivedAt),
  index('webhook_events_received_idx').on(t.receivedAt, t.id),
]);

export const emailOutbox = pgTable('email_outbox', {
  id: id(),
  /** One confirmation per order, ever. */
  orderId: bigint('order_id', { mode: 'number' }).notNull().unique().references(() => orders.id),
  to: text('to_address').notNull(),
  subject: text('subject').notNull(),
  text: text('body_text').notNull(),
  html: text('body_html').notNull(),
  /** `failed`: rejected by the provider or out of attempts; not retried. */
  status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  providerMessageId: text('provider_message_id'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('email_outbox_status_idx').on(t.status, t.id)]);

export const reconcileCheckpoints = pgTable('reconcile_checkpoints', {
  /** One row per stream; `events` for Stripe's event list. */
  name: text('name').primaryKey(),
  /** `created` of the newest event applied with nothing failed before it; null before there is one. */
  lastEventCreated: bigint('last_event_created', { mode: 'number' }),
  /**
   * A run that stopped at its page limit read only the newest part of its window: events up to
   * and including this second are still to be read (next runs read below it, oldest part last).
   */
  readBelow: bigint('read_below', { mode: 'number' }),
  /** The last event that run read: the next one lists on after it (a second can hold more than a run reads). */
  readAfterId: text('read_after_id'),
  /** Where the checkpoint goes once they are: what the runs above `read_below` settled. */
  thenTo: bigint('then_to', { mode: 'number' }),
  lastRunAt: timestamp('last_run_at', { withTimezone: true }).notNull().defaultNow(),
});

export const storesRelations = relations(stores, ({ many }) => ({
  orders: many(orders),
  products: many(products),
}));
export const ordersRelations = relations(orders, ({ one, many }) => ({
  store: one(stores, { fields: [orders.storeId], references: [stores.id] }),
  entitlements: many(entitlements),
}));
export const entitlementsRelations = relations(entitlements, ({ one }) => ({
  order: one(orders, { fields: [entitlements.orderId], references: [orders.id] }),
}));
export const productsRelations = relations(products, ({ one }) => ({
  store: one(stores, { fields: [products.accountId], references: [stores.accountId] }),
}));
