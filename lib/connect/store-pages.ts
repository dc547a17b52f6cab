import type Stripe from 'stripe';
import type { StorePage, StoreStatus } from '../db/schema.js';

/** Store status from the account: SPEC "Marketplace store builder". */
export function storeStatus(account: Stripe.Account): StoreStatus {
  const disabled = account.requirements?.disabled_reason ?? null;
  if (account.charges_enabled && !disabled) return 'active';
  return account.details_submitted ? 'restricted' : 'pending';
}

/** The seller's name as Stripe knows it, or null while onboarding has not collected it. */
/**
 * A store's public name before the seller names the business: never `account.email` (their
 * login) or the account id, which the storefront must not publish.
 */
export const UNNAMED_STORE = 'New store';

export function businessName(account: Stripe.Account): string | null {
  return account.business_profile?.name ?? account.settings?.dashboard?.display_name ?? null;
}

/**
 * Starter pages, filled from the business profile; the seller edits them afterwards. Only the
 * profile's public support details are published: `account.email` is the seller's login.
 */
export function pagesFor(name: string, account: Pick<Stripe.Account, 'business_profile'>): StorePage[] {
  const profile = account.business_profile;
  const contact = [
    profile?.support_email,
    profile?.support_phone,
    profile?.support_url ?? profile?.url,
  ].filter(Boolean);
  return [
    { slug: 'home', title: name, body: profile?.product_description ?? `Welcome to ${name}.` },
    { slug: 'products', title: 'Products', body: `Everything ${name} sells.` },
    { slug: 'about', title: `About ${name}`, body: profile?.product_description ?? (profile?.url ? `Find us at ${profile.url}.` : `${name} sells through our marketplace.`) },
    { slug: 'contact', title: 'Contact', body: contact.length ? contact.join('\n') : `Contact ${name} through the marketplace.` },
  ];
}
