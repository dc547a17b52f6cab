import type { Emu } from '../context.js';
import { completeAccount } from '../objects/account.js';
import { escapeHtml, html, page, redirect, type HtmlResponse } from './html.js';

export function onboardAccount(emu: Emu, accountId: string): void {
  const account = emu.store.get('account', accountId);
  const previous = completeAccount(account);
  emu.events.emit('account.updated', account, { account: account.id, previousAttributes: previous });
}

function usableLink(emu: Emu, linkId: string) {
  const link = emu.store.accountLinks.get(linkId);
  if (!link) return null;
  return link;
}

export function onboardingPage(emu: Emu, linkId: string): HtmlResponse {
  const link = usableLink(emu, linkId);
  if (!link) return html(404, page('Not found', '<p>This onboarding link does not exist.</p>'));
  // Real account links are single-use and short-lived; an old one bounces to refresh_url.
  if (link.used || link.expires_at < Math.floor(Date.now() / 1000)) return redirect(link.refresh_url);
  const account = emu.store.get('account', link.account);
  const form = (id: string, action: string, label: string) =>
    `<form method="post" action="/connect/onboarding/${escapeHtml(linkId)}"><input type="hidden" name="action" value="${action}"><button type="submit" id="${id}">${label}</button></form>`;
  return html(
    200,
    page(
      'Connect onboarding',
      `<h1>Set up payouts</h1><p>Account <code id="account">${escapeHtml(account.id)}</code>${account.email ? ` (${escapeHtml(account.email)})` : ''}</p>
${form('complete', 'complete', 'Complete onboarding')}${form('abandon', 'abandon', 'Abandon')}`,
    ),
  );
}

export function submitOnboarding(emu: Emu, linkId: string, form: URLSearchParams): HtmlResponse {
  const link = usableLink(emu, linkId);
  if (!link) return html(404, page('Not found', '<p>This onboarding link does not exist.</p>'));
  if (link.used) return redirect(link.refresh_url);
  link.used = true;
  if (form.get('action') !== 'complete') return redirect(link.refresh_url);
  onboardAccount(emu, link.account);
  return redirect(link.return_url);
}

export function expressDashboardPage(emu: Emu, accountId: string): HtmlResponse {
  const account = emu.store.find(accountId);
  if (!account) return html(404, page('Not found', '<p>No such account.</p>'));
  return html(200, page('Express dashboard', `<h1>${escapeHtml(account.business_profile?.name ?? account.id)}</h1><p>Express dashboard (emulated).</p>`));
}

export function receiptPage(emu: Emu, chargeId: string): HtmlResponse {
  const charge = emu.store.find(chargeId);
  if (!charge) return html(404, page('Not found', '<p>No such receipt.</p>'));
  return html(200, page('Receipt', `<h1>Receipt</h1><p>Charge ${escapeHtml(charge.id)}: ${charge.amount} ${escapeHtml(charge.currency)}</p>`));
}
