import type { Emu } from '../context.js';
import { checkoutDonePage, checkoutPage, submitCheckout } from './checkout-page.js';
import type { HtmlResponse } from './html.js';
import { expressDashboardPage, onboardingPage, receiptPage, submitOnboarding } from './onboarding-page.js';

/** Browser-facing pages; returns null when the path is not one of them. */
export function handleHosted(emu: Emu, method: string, path: string, body: string): HtmlResponse | null {
  const form = new URLSearchParams(body);
  let m = /^\/checkout\/([^/]+)$/.exec(path);
  if (m) return method === 'POST' ? submitCheckout(emu, m[1]!, form) : checkoutPage(emu, m[1]!);
  if (/^\/checkout\/[^/]+\/done$/.test(path)) return checkoutDonePage();
  m = /^\/connect\/onboarding\/([^/]+)$/.exec(path);
  if (m) return method === 'POST' ? submitOnboarding(emu, m[1]!, form) : onboardingPage(emu, m[1]!);
  m = /^\/connect\/express\/([^/]+)$/.exec(path);
  if (m) return expressDashboardPage(emu, m[1]!);
  m = /^\/receipts\/([^/]+)$/.exec(path);
  if (m) return receiptPage(emu, m[1]!);
  return null;
}
