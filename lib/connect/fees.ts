import { minorStep } from '../fulfilment/money.js';

/**
 * The platform's fee on a destination charge: `amount × bps / 10 000`, in the currency's minor
 * unit, rounded half up to the smallest step Stripe accepts in it (¥1 or 1¢; a whole króna for
 * ISK, 10 for three-decimal currencies), never above the total. The seller gets exactly
 * `amount − fee`, so the two always add up to the total.
 */
export function applicationFeeAmount(amount: number, feeBps: number, currency: string): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a non-negative integer');
  const step = minorStep(currency);
  const unit = 10_000 * step;
  return Math.min(amount, Math.floor((amount * feeBps + unit / 2) / unit) * step);
}

/** Subscriptions take a percentage instead (Stripe applies it to each invoice). */
export function applicationFeePercent(feeBps: number): number {
  return feeBps / 100;
}
