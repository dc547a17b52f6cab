import type Stripe from 'stripe';
import type { Db } from '../../lib/db/client.js';
import { prices, products, stores, type StorePage, type StoreStatus } from '../../lib/db/schema.js';
import type { StripeEmulator } from '../../local/stripe-emulator/index.js';

export { driver, expectError, freshIp, jsonInit, sdkFor } from '../checkout/support.js';

/** An Express account at the emulator; onboarded unless asked not to. */
export async function expressAccount(stripe: Stripe, emu: StripeEmulator, onboarded = true): Promise<Stripe.Account> {
  const account = await stripe.accounts.create({
    controller: { fees: { payer: 'application' }, losses: { payments: 'application' }, stripe_dashboard: { type: 'express' } },
    country: 'US',
    email: 'seller@example.com',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
  });
  if (onboarded) await emu.completeOnboarding(account.id);
  return account;
}

export const DEMO_PAGES: StorePage[] = [
  { slug: 'home', title: 'Welcome', body: 'Hello.' },
  { slug: 'products', title: 'Products', body: 'What we sell.' },
  { slug: 'about', title: 'About', body: 'About us.' },
  { slug: 'contact', title: 'Contact', body: 'Write to us.' },
];

export async function insertStore(db: Db, o: { slug: string; accountId: string; status: StoreStatus; feeBps?: number; currency?: string }) {
  const [row] = await db
    .insert(stores)
    .values({
      slug: o.slug,
      accountId: o.accountId,
      name: `Store ${o.slug}`,
      email: 'seller@example.com',
      country: 'US',
      status: o.status,
      chargesEnabled: o.status === 'active',
      payoutsEnabled: o.status === 'active',
      pages: DEMO_PAGES,
      settings: { currency: o.currency ?? 'usd', feeBps: o.feeBps ?? 250 },
    })
    .returning();
  return row!;
}

/**
 * A product with one price at Stripe, and its rows in our catalogue tied to the store, as the
 * catalogue webhook would write them.
 */
export async function storePrice(
  stripe: Stripe,
  db: Db,
  accountId: string | null,
  o: { name: string; currency: string; amount: number; monthly?: boolean; active?: boolean },
): Promise<string> {
  const product = await stripe.products.create({
    name: o.name,
    description: `${o.name}, handmade.`,
    default_price_data: { currency: o.currency, unit_amount: o.amount, ...(o.monthly ? { recurring: { interval: 'month' } } : {}) },
  });
  const priceId = product.default_price as string;
  await db.insert(products).values({ stripeId: product.id, accountId, name: o.name, description: product.description, images: [] });
  await db.insert(prices).values({
    stripeId: priceId,
    productStripeId: product.id,
    currency: o.currency,
    unitAmount: o.amount,
    type: o.monthly ? 'recurring' : 'one_time',
    recurringInterval: o.monthly ? 'month' : null,
    active: o.active ?? true,
  });
  return priceId;
}
