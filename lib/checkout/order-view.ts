import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../db/client.js';
import { orders, type OrderStatus } from '../db/schema.js';

/** Everything the success page may learn about an order: no email, no ids, no store. */
export interface OrderView {
  status: OrderStatus;
  amountTotal: number;
  currency: string;
  items: Array<{ name: string; quantity: number }>;
}

export type Order = typeof orders.$inferSelect;

export async function findOrderBySessionId(db: Db, sessionId: string): Promise<Order | null> {
  const [row] = await db.select().from(orders).where(eq(orders.checkoutSessionId, sessionId)).limit(1);
  return row ?? null;
}

export function viewOfOrder(order: Order): OrderView {
  return {
    status: order.status,
    amountTotal: order.amountTotal,
    currency: order.currency,
    items: order.items.map((i) => ({ name: i.name, quantity: i.quantity })),
  };
}

/** For a session Stripe knows and we have no order for (made elsewhere, not completed yet). */
export function viewOfSession(session: Stripe.Checkout.Session): OrderView {
  const status: OrderStatus = session.status === 'expired' ? 'expired' : 'open';
  return {
    status,
    amountTotal: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    items: (session.line_items?.data ?? []).map((l) => ({ name: l.description ?? 'Item', quantity: l.quantity ?? 1 })),
  };
}
