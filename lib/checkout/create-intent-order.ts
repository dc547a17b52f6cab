import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { orders } from '../db/schema.js';
import type { Store } from '../stores/queries.js';
import type { PlannedIntent } from './create-intent-plan.js';

/**
 * The `open` order for a new PaymentIntent. The webhook may have seen the intent first and
 * created a bare order from it (SPEC promise 8); then we only fill in what it could not know
 * (items, store, fee, the buyer's email) and never touch its status or amounts.
 */
export async function recordIntentOrder(db: Db, paymentIntentId: string, plan: PlannedIntent, store: Store | null): Promise<void> {
  await db
    .insert(orders)
    .values({
      paymentIntentId,
      storeId: store?.id ?? null,
      storeAccountId: store?.accountId ?? null,
      mode: 'payment',
      status: 'open',
      currency: plan.currency,
      amountSubtotal: plan.amountTotal,
      amountTotal: plan.amountTotal,
      applicationFeeAmount: plan.applicationFeeAmount,
      email: plan.params.receipt_email ?? null,
      items: plan.items,
    })
    .onConflictDoUpdate({
      target: orders.paymentIntentId,
      set: {
        items: sql`case when jsonb_array_length(${orders.items}) = 0 then excluded.items else ${orders.items} end`,
        storeId: sql`coalesce(${orders.storeId}, excluded.store_id)`,
        storeAccountId: sql`coalesce(${orders.storeAccountId}, excluded.store_account_id)`,
        email: sql`coalesce(${orders.email}, excluded.email)`,
        applicationFeeAmount: sql`coalesce(${orders.applicationFeeAmount}, excluded.application_fee_amount)`,
        amountSubtotal: sql`coalesce(${orders.amountSubtotal}, excluded.amount_subtotal)`,
        updatedAt: sql`now()`,
      },
    });
}
