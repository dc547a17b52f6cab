import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { inject } from 'vitest';
import type { Driver } from '../../lib/db/client.js';
import { orders, webhookEvents } from '../../lib/db/schema.js';
import { webhookRoute } from '../../lib/webhook/route.js';
import { buildEvent } from '../../local/stripe-emulator/index.js';
import type { StripeEmulator } from '../../local/stripe-emulator/index.js';
import { TEST_WEBHOOK_SECRET, type TestApp } from '../support/app.js';
export { sdkFor } from '../support/sdk.js';

/** Production's driver through the relay when Postgres is up; the embedded one otherwise. */
export const driver: Driver = inject('postgres') ? 'neon' : 'pglite';

export interface DeliverOptions {
  secret?: string;
  timestamp?: number;
  /** Sent as-is instead of the pretty-printed event. */
  payload?: string;
  headers?: Record<string, string>;
}

/** Delivers `event` as Stripe does: pretty-printed JSON, signed by the SDK's test helper. */
export async function deliver(app: TestApp, event: object, opts: DeliverOptions = {}): Promise<{ status: number; body: any }> {
  const payload = opts.payload ?? JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload, secret: opts.secret ?? TEST_WEBHOOK_SECRET, timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
  });
  const res = await app.call(webhookRoute, '/api/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature, ...opts.headers },
    body: payload,
  });
  return { status: res.status, body: await res.json() };
}

/** A realistic event from the emulator's builders, deep-merged with `overrides`. */
export function event(type: string, overrides: Record<string, any> = {}): any {
  return buildEvent(type, overrides);
}

/** The emulator builds only some types; its sibling's payload under another type name. */
export function as(type: string, built: any): any {
  return { ...built, type };
}

export async function eventRow(app: TestApp, id: string) {
  return (await app.db.select().from(webhookEvents).where(eq(webhookEvents.id, id)))[0];
}

export async function orderByPi(app: TestApp, pi: string) {
  return (await app.db.select().from(orders).where(eq(orders.paymentIntentId, pi)))[0];
}

export async function orderBySession(app: TestApp, session: string) {
  return (await app.db.select().from(orders).where(eq(orders.checkoutSessionId, session)))[0];
}

export interface Purchase {
  session: Stripe.Checkout.Session;
  paymentIntentId: string;
  /** Every event the emulator emitted for this purchase, in creation order, keyed by type. */
  events: Map<string, Stripe.Event>;
}

/** A Checkout Session paid in the emulator; its events are collected, not delivered. */
export async function purchase(emu: StripeEmulator, stripe: Stripe, opts: {
  price?: string; quantity?: number; outcome?: 'paid' | 'declined' | 'delayed'; destination?: string; fee?: number;
} = {}): Promise<Purchase> {
  const created = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: opts.price ?? 'price_demo_tshirt_usd', quantity: opts.quantity ?? 1 }],
    success_url: 'http://localhost:3000/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/cancel',
    ...(opts.destination
      ? { payment_intent_data: { transfer_data: { destination: opts.destination }, application_fee_amount: opts.fee ?? 0 } }
      : {}),
  });
  await emu.completeCheckoutSession(created.id, opts.outcome ?? 'paid');
  await emu.idle();
  const session = await stripe.checkout.sessions.retrieve(created.id);
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  // A declined session keeps no payment intent; the newest failed one is this purchase's.
  const pi = typeof session.payment_intent === 'string' ? session.payment_intent
    : session.payment_intent?.id ?? (all.find((e) => e.type === 'payment_intent.payment_failed')!.data.object as { id: string }).id;
  const events = new Map<string, Stripe.Event>();
  for (const e of all.reverse()) {
    const o = e.data.object as { id?: string; payment_intent?: string | null };
    if (o.id === session.id || o.id === pi || o.payment_intent === pi) events.set(e.type, e);
  }
  return { session, paymentIntentId: pi, events };
}
