import { nowSeconds, randomId } from '../ids.js';
import type { StripeObject } from '../types.js';

const CURRENCY_BY_COUNTRY: Record<string, string> = {
  US: 'usd', GB: 'gbp', JP: 'jpy', CA: 'cad', AU: 'aud', CH: 'chf', SE: 'sek', DK: 'dkk', NO: 'nok',
  PL: 'pln', NZ: 'nzd', SG: 'sgd', HK: 'hkd', MX: 'mxn', BR: 'brl', IN: 'inr',
};

export function currencyForCountry(country: string): string {
  return CURRENCY_BY_COUNTRY[country.toUpperCase()] ?? 'eur';
}

const DUE = ['business_profile.mcc', 'business_profile.url', 'external_account', 'individual.dob.day', 'individual.first_name', 'individual.last_name', 'tos_acceptance.date', 'tos_acceptance.ip'];

function requirements(due: string[]): StripeObject {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [...due],
    disabled_reason: due.length ? 'requirements.past_due' : null,
    errors: [],
    eventually_due: [...due],
    past_due: [...due],
    pending_verification: [],
  };
}

export interface AccountInput {
  type?: string;
  controller?: StripeObject;
  country?: string;
  email?: string | null;
  businessProfile?: StripeObject;
  metadata?: Record<string, string>;
  capabilities?: string[];
}

function controllerFor(input: AccountInput): StripeObject {
  const c = input.controller ?? {};
  return {
    fees: { payer: c.fees?.payer ?? 'application' },
    is_controller: true,
    losses: { payments: c.losses?.payments ?? 'application' },
    requirement_collection: c.requirement_collection ?? 'stripe',
    stripe_dashboard: { type: c.stripe_dashboard?.type ?? input.type ?? 'express' },
    type: 'application',
  };
}

export function buildAccount(input: AccountInput): StripeObject {
  const country = (input.country ?? 'US').toUpperCase();
  const controller = controllerFor(input);
  const dashboard = controller.stripe_dashboard.type as string;
  const capabilities = Object.fromEntries((input.capabilities ?? ['card_payments', 'transfers']).map((c) => [c, 'inactive']));
  const id = randomId('acct', 16);
  return {
    id,
    object: 'account',
    business_profile: {
      annual_revenue: null, estimated_worker_count: null, mcc: null, name: null, product_description: null,
      support_address: null, support_email: null, support_phone: null, support_url: null, url: null,
      ...(input.businessProfile ?? {}),
    },
    business_type: null,
    capabilities,
    charges_enabled: false,
    controller,
    country,
    created: nowSeconds(),
    default_currency: currencyForCountry(country),
    details_submitted: false,
    email: input.email ?? null,
    external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/accounts/${id}/external_accounts` },
    future_requirements: requirements([]),
    metadata: input.metadata ?? {},
    payouts_enabled: false,
    requirements: requirements(DUE),
    settings: {
      dashboard: { display_name: input.businessProfile?.name ?? null, timezone: 'Etc/UTC' },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null },
    },
    tos_acceptance: { date: null },
    type: input.type ?? (dashboard === 'none' ? 'custom' : dashboard === 'full' ? 'standard' : 'express'),
  };
}

/** Mutates the account into its onboarded state and returns the previous values of what changed. */
export function completeAccount(account: StripeObject): StripeObject {
  const previous: StripeObject = {
    business_profile: structuredClone(account.business_profile),
    capabilities: structuredClone(account.capabilities),
    charges_enabled: account.charges_enabled,
    details_submitted: account.details_submitted,
    payouts_enabled: account.payouts_enabled,
    requirements: structuredClone(account.requirements),
  };
  const name = account.business_profile.name ?? `Demo Seller ${account.id.slice(-6)}`;
  account.business_profile = { ...account.business_profile, mcc: '5734', name, url: account.business_profile.url ?? 'https://example.com', product_description: account.business_profile.product_description ?? 'Demo goods' };
  account.capabilities = Object.fromEntries(Object.keys(account.capabilities).map((c) => [c, 'active']));
  account.charges_enabled = true;
  account.payouts_enabled = true;
  account.details_submitted = true;
  account.requirements = requirements([]);
  account.tos_acceptance = { date: nowSeconds(), ip: '127.0.0.1', user_agent: 'emulator' };
  account.settings.dashboard.display_name = name;
  return previous;
}

export function buildAccountLink(accountId: string, url: string, returnUrl: string, refreshUrl: string): StripeObject & { account: string; used: boolean } {
  const created = nowSeconds();
  return { object: 'account_link', created, expires_at: created + 300, url, account: accountId, used: false, return_url: returnUrl, refresh_url: refreshUrl };
}
