import Stripe from 'stripe';
import { ApiError } from '../http/errors.js';
import { isMissing } from '../stripe/client.js';

// Stripe keeps events for 30 days; asking for older ones is an error on some API versions
// and pointless on all.
export const MAX_LOOKBACK_SECONDS = 30 * 24 * 60 * 60;
const PAGE_SIZE = 100;

/** Pages of 100 events one stream reads per run: 20,000 events. */
export const MAX_PAGES = 200;
/**
 * And no longer than this: at Stripe's pace (a few hundred ms a page) 200 pages would pass a
 * cron function's time limit (Vercel's 60 s here, Netlify's 30 s), and a run cut off there
 * saves nothing. The rest of the window is read by the next runs, as past MAX_PAGES.
 */
export const LIST_BUDGET_MS = 10_000;

/**
 * Every event created at or after `since` (and up to `until`, when given), oldest first. Stripe
 * lists newest first, so the whole window is read before anything is applied; `created[gte]`
 * (not `gt`) re-reads the checkpoint's own second, where an event may have arrived after the
 * last run. Past `maxPages` or the time budget (a page at least), `truncated`: only the newest part of the window was read, and
 * every event newer than the oldest one returned was.
 * https://docs.stripe.com/api/events/list
 */
export async function fetchEventsSince(
  stripe: Stripe, since: number, account: string | null = null,
  opts: { until?: number | null; after?: string | null; maxPages?: number; budgetMs?: number } = {},
): Promise<{ events: Stripe.Event[]; truncated: boolean; lastId: string | null }> {
  const maxPages = opts.maxPages ?? MAX_PAGES;
  const deadline = Date.now() + (opts.budgetMs ?? LIST_BUDGET_MS);
  const created = opts.until == null ? { gte: since } : { gte: since, lte: opts.until };
  const onAccount = account ? { stripeAccount: account } : undefined;
  const newestFirst: Stripe.Event[] = [];
  let startingAfter = opts.after ?? undefined; // where an earlier run's read stopped
  let truncated = false;
  for (let pageNo = 0; ; pageNo++) {
    if (pageNo === maxPages || (pageNo > 0 && Date.now() >= deadline)) {
      truncated = true; // only the newest part of the window was read
      break;
    }
    const list = (after: string | undefined) =>
      stripe.events.list({ created, limit: PAGE_SIZE, ...(after ? { starting_after: after } : {}) }, onAccount);
    const page = await list(startingAfter).catch((err: unknown) => {
      // The event an earlier run stopped at has left Stripe's 30 days: the window again, from its newest.
      if (pageNo === 0 && startingAfter && isMissing(err)) return list(undefined);
      throw err;
    }).catch(stripeFailed);
    newestFirst.push(...page.data);
    if (!page.has_more || page.data.length === 0) break;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
  // Reverse keeps Stripe's order within a second; the stable sort only fixes out-of-order pages.
  return { events: newestFirst.reverse().sort((a, b) => a.created - b.created), truncated, lastId: startingAfter ?? null };
}

// The SDK's error text can name request ids and parameters: it goes to the log, not the body.
function stripeFailed(err: unknown): never {
  if (!(err instanceof Stripe.errors.StripeError)) throw err;
  throw Object.assign(new ApiError('stripe_error', 'Stripe could not list events; the next run will try again.'), {
    cause: `${err.type}: ${err.message}`.slice(0, 300),
  });
}
