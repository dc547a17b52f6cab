import type { OrderItem } from '../db/schema.js';
import { formatMoney } from './money.js';

export interface ConfirmationInput {
  currency: string;
  amountTotal: number;
  items: OrderItem[];
}

/** A part of the email before the order number, and the part after it. */
export type AroundNumber = readonly [before: string, after: string];

/**
 * The email split around the order number: the number is the order's id, which the statement
 * that fulfils an order assigns, so the database puts it in when it queues the email.
 */
export interface ConfirmationEmail {
  subject: AroundNumber;
  text: AroundNumber;
  html: AroundNumber;
}

/** A short order confirmation: items and total, amounts formatted for the currency. */
export function confirmationEmail(order: ConfirmationInput): ConfirmationEmail {
  const lines = order.items.map((i) => ({
    label: `${i.quantity} × ${i.name}`,
    amount: i.amountTotal === null ? '' : formatMoney(i.amountTotal, order.currency),
  }));
  const total = formatMoney(order.amountTotal, order.currency);
  const rest = ['', ...lines.map((l) => `${l.label}${l.amount ? `  ${l.amount}` : ''}`), '', `Total: ${total}`].join('\n');
  const rows = lines
    .map((l) => `<tr><td>${escapeHtml(l.label)}</td><td style="text-align:right">${escapeHtml(l.amount)}</td></tr>`)
    .join('');
  return {
    subject: ['Your order #', ' is confirmed'],
    text: ['Thank you for your order #', `.\n${rest}`],
    html: [
      '<p>Thank you for your order #',
      `.</p><table>${rows}<tr><th>Total</th><th style="text-align:right">${escapeHtml(total)}</th></tr></table>`,
    ],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
