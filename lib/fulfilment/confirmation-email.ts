import type { OrderItem } from '../db/schema.js';
import { formatMoney } from './money.js';

export interface ConfirmationInput {
  orderId: number;
  currency: string;
  amountTotal: number;
  items: OrderItem[];
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** A short order confirmation: items and total, amounts formatted for the currency. */
export function confirmationEmail(order: ConfirmationInput): EmailContent {
  const lines = order.items.map((i) => ({
    label: `${i.quantity} × ${i.name}`,
    amount: i.amountTotal === null ? '' : formatMoney(i.amountTotal, order.currency),
  }));
  const total = formatMoney(order.amountTotal, order.currency);
  const subject = `Your order #${order.orderId} is confirmed`;
  const text = [
    `Thank you for your order #${order.orderId}.`,
    '',
    ...lines.map((l) => `${l.label}${l.amount ? `  ${l.amount}` : ''}`),
    '',
    `Total: ${total}`,
  ].join('\n');
  const rows = lines
    .map((l) => `<tr><td>${escapeHtml(l.label)}</td><td style="text-align:right">${escapeHtml(l.amount)}</td></tr>`)
    .join('');
  const html =
    `<p>Thank you for your order #${order.orderId}.</p>` +
    `<table>${rows}<tr><th>Total</th><th style="text-align:right">${escapeHtml(total)}</th></tr></table>`;
  return { subject, text, html };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
