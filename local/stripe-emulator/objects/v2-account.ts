import { randomId } from '../ids.js';
import type { StripeObject } from '../types.js';

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** The v2 view of a v1 Connect account: enough for `stripe.v2.core.accounts.retrieve`. */
export function toV2Account(account: StripeObject): StripeObject {
  const status = account.charges_enabled ? 'active' : 'restricted';
  return {
    id: account.id,
    object: 'v2.core.account',
    applied_configurations: ['merchant', 'recipient'],
    closed: false,
    configuration: {
      merchant: { applied: true, capabilities: { card_payments: { status, status_details: [] } } },
      recipient: { applied: true, capabilities: { stripe_balance: { stripe_transfers: { status, status_details: [] } } } },
    },
    contact_email: account.email,
    created: iso(account.created),
    dashboard: account.controller?.stripe_dashboard?.type ?? 'express',
    defaults: { currency: account.default_currency, locales: ['en-US'], responsibilities: { fees_collector: 'application', losses_collector: 'application' } },
    display_name: account.business_profile?.name ?? null,
    identity: { country: account.country, entity_type: 'individual' },
    livemode: false,
    metadata: account.metadata,
    requirements: {
      entries: (account.requirements.currently_due as string[]).map((field) => ({
        awaiting_action_from: 'user',
        description: field,
        errors: [],
        impact: { restricts_capabilities: [] },
        minimum_deadline: { status: 'past_due' },
        reference: null,
        requested_reasons: [{ code: 'routine_onboarding' }],
      })),
      summary: { minimum_deadline: account.requirements.currently_due.length ? { status: 'past_due', time: null } : null },
    },
  };
}

export function buildThinEvent(type: string, accountId: string, createdSeconds: number): StripeObject {
  return {
    id: randomId('evt_test', 40),
    object: 'v2.core.event',
    created: iso(createdSeconds),
    livemode: false,
    reason: null,
    related_object: { id: accountId, type: 'v2.core.account', url: `/v2/core/accounts/${accountId}` },
    type,
  };
}
