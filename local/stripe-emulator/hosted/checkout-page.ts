import { completeCheckout, type CheckoutOutcome } from '../checkout-flow.js';
import type { Emu } from '../context.js';
import type { StripeObject } from '../types.js';
import { escapeHtml, formatAmount, html, page, redirect, type HtmlResponse } from './html.js';

function button(id: string, action: string, label: string, sessionId: string): string {
  return `<form method="post" action="/checkout/${escapeHtml(sessionId)}"><input type="hidden" name="action" value="${action}"><button type="submit" id="${id}">${label}</button></form>`;
}

function renderOpen(emu: Emu, session: StripeObject, error: string | null): string {
  const lines = emu.store.sessionExtras.get(session.id)?.lineItems ?? [];
  const rows = lines
    .map((l) => `<tr class="line-item"><td class="name">${escapeHtml(l.description)}</td><td class="quantity">× ${l.quantity}</td><td>${formatAmount(l.amount_total, l.currency)}</td></tr>`)
    .join('');
  const cancel = session.cancel_url ? `<p><a id="cancel" href="${escapeHtml(session.cancel_url)}">Cancel</a></p>` : '';
  const email = session.customer_email ? `<p>Paying as ${escapeHtml(session.customer_email)}</p>` : '';
  return page(
    'Checkout',
    `<h1>Checkout</h1>${email}<table>${rows}</table>
<p>Total: <strong id="total">${formatAmount(session.amount_total, session.currency)}</strong>${session.mode === 'subscription' ? ' per period' : ''}</p>
${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ''}
${button('pay', 'pay', 'Pay', session.id)}
${button('decline', 'decline', 'Pay with declined card', session.id)}
${button('delayed', 'delayed', 'Pay with delayed method (SEPA)', session.id)}
${cancel}`,
  );
}

function renderClosed(session: StripeObject): string {
  const text = session.status === 'complete' ? 'This checkout session is already complete.' : 'This checkout session has expired.';
  return page('Checkout', `<h1>Checkout</h1><p id="status">${text}</p>`);
}

export function checkoutPage(emu: Emu, sessionId: string): HtmlResponse {
  const session = emu.store.find(sessionId);
  if (!session || session.object !== 'checkout.session') return html(404, page('Not found', '<p>No such checkout session.</p>'));
  if (session.status !== 'open') return html(410, renderClosed(session));
  return html(200, renderOpen(emu, session, null));
}

const OUTCOMES: Record<string, CheckoutOutcome> = { pay: 'paid', decline: 'declined', delayed: 'delayed' };

export function successUrlFor(emu: Emu, session: StripeObject): string {
  const url = (session.success_url as string | null) ?? `${emu.baseUrl}/checkout/${session.id}/done`;
  return url.replaceAll('{CHECKOUT_SESSION_ID}', session.id);
}

export function submitCheckout(emu: Emu, sessionId: string, form: URLSearchParams): HtmlResponse {
  const session = emu.store.find(sessionId);
  if (!session || session.object !== 'checkout.session') return html(404, page('Not found', '<p>No such checkout session.</p>'));
  if (session.status !== 'open') return html(410, renderClosed(session));
  const outcome = OUTCOMES[form.get('action') ?? ''];
  if (!outcome) return html(400, renderOpen(emu, session, 'Unknown action.'));
  if (!completeCheckout(emu, sessionId, outcome)) return html(402, renderOpen(emu, session, 'Your card was declined.'));
  return redirect(successUrlFor(emu, session));
}

export function checkoutDonePage(): HtmlResponse {
  return html(200, page('Thanks', '<h1>Payment complete</h1>'));
}
