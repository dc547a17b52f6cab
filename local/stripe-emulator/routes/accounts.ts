import type { Emu } from '../context.js';
import { ApiError, invalidParam, missingReference } from '../errors.js';
import { expand, expandList } from '../expand.js';
import { randomId } from '../ids.js';
import { paginate } from '../list.js';
import { buildAccount, buildAccountLink } from '../objects/account.js';
import { buildThinEvent } from '../objects/v2-account.js';
import { expandList as expandParam, metadata, obj, requireStr, str } from '../params.js';
import { route, type ApiRequest } from '../router.js';
import type { StripeObject } from '../types.js';

function createAccount(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const type = str(p, 'type');
  const controller = obj(p, 'controller');
  if (type && !['express', 'standard', 'custom'].includes(type)) throw invalidParam('type', `Invalid type: ${type}.`);
  if (type && Object.keys(controller).length > 0) {
    throw invalidParam('controller', 'You cannot specify both `type` and `controller`.');
  }
  const account = emu.store.put(
    buildAccount({
      type,
      controller,
      country: str(p, 'country'),
      email: str(p, 'email') ?? null,
      businessProfile: obj(p, 'business_profile'),
      metadata: metadata(p),
      capabilities: Object.keys(obj(p, 'capabilities')),
    }),
  );
  // Stripe has no v1 account.created; Accounts v2 sends a thin event instead.
  emu.events.emitThin(buildThinEvent('v2.core.account.created', account.id, account.created));
  return expand(emu, account, expandParam(p));
}

function createLink(emu: Emu, req: ApiRequest): StripeObject {
  const p = req.params;
  const accountId = requireStr(p, 'account');
  if (!emu.store.find(accountId)) throw missingReference('account', accountId, 'account');
  const type = str(p, 'type') ?? 'account_onboarding';
  if (!['account_onboarding', 'account_update'].includes(type)) throw invalidParam('type', `Invalid type: ${type}.`);
  const linkId = randomId('acctlink', 24);
  const link = buildAccountLink(accountId, `${emu.baseUrl}/connect/onboarding/${linkId}`, requireStr(p, 'return_url'), requireStr(p, 'refresh_url'));
  emu.store.accountLinks.set(linkId, link);
  return { object: 'account_link', created: link.created, expires_at: link.expires_at, url: link.url };
}

function createLoginLink(emu: Emu, req: ApiRequest): StripeObject {
  const account = emu.store.get('account', req.path.id!, 'account');
  if (!account.details_submitted) {
    throw new ApiError(400, 'invalid_request_error', 'Cannot create a login link for an account that has not completed onboarding.');
  }
  return { object: 'login_link', created: Math.floor(Date.now() / 1000), url: `${emu.baseUrl}/connect/express/${account.id}` };
}

function platformAccount(): StripeObject {
  const account = buildAccount({ type: 'standard', email: 'platform@example.com', businessProfile: { name: 'Emulator Platform' } });
  return { ...account, id: 'acct_emulator_platform', charges_enabled: true, payouts_enabled: true, details_submitted: true, controller: undefined };
}

function balance(): StripeObject {
  return { object: 'balance', available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }], livemode: false, pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }] };
}

export const accountRoutes = [
  route('GET', '/v1/account', () => platformAccount()),
  route('GET', '/v1/balance', () => balance()),
  route('POST', '/v1/accounts', createAccount),
  route('GET', '/v1/accounts', (emu, req) => expandList(emu, paginate(emu.store.all('account'), req.params, '/v1/accounts'), expandParam(req.params))),
  route('GET', '/v1/accounts/:id', (emu, req) => expand(emu, emu.store.get('account', req.path.id!), expandParam(req.params))),
  route('POST', '/v1/account_links', createLink),
  route('POST', '/v1/accounts/:id/login_links', createLoginLink),
];
