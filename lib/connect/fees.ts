/**
 * The platform's fee on a destination charge: `amount × bps / 10 000`, in the currency's minor
 * unit, rounded half up to a whole unit (so ¥1 or 1¢ is the smallest step). The seller gets
 * exactly `amount − fee`, so the two always add up to the total.
 */
export function applicationFeeAmount(amount: number, feeBps: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a non-negative integer');
  return Math.floor((amount * feeBps + 5000) / 10_000);
}

/** Subscriptions take a percentage instead (Stripe applies it to each invoice). */
export function applicationFeePercent(feeBps: number): number {
  return feeBps / 100;
}
