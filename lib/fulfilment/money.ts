// Stripe amounts are integers in the currency's minor unit, as Stripe counts it, which is not
// always ISO's: Intl says 0 decimals for HUF, ISK, IDR and a few more, where Stripe's API
// counts 2 (an ISK amount of 100 is 1 króna). Zero- and three-decimal lists from
// https://docs.stripe.com/currencies. Formatters are costly to build: one per currency is kept.
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function minorDigits(currency: string): number {
  const c = currency.toLowerCase();
  return ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
}

/**
 * The smallest amount step Stripe accepts in the currency, in minor units: ISK amounts must be
 * whole krónur (multiples of 100) and three-decimal ones end in 0.
 */
export function minorStep(currency: string): number {
  const c = currency.toLowerCase();
  return c === 'isk' ? 100 : THREE_DECIMAL.has(c) ? 10 : 1;
}

const formats = new Map<string, Intl.NumberFormat | null>();

function formatOf(currency: string): Intl.NumberFormat | null {
  const code = currency.toUpperCase();
  if (!formats.has(code)) {
    let format: Intl.NumberFormat | null;
    try {
      const digits = minorDigits(code);
      // Intl's own digits as the minimum (HUF 1,000, not 1,000.00), Stripe's as the maximum.
      const iso = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().minimumFractionDigits ?? digits;
      format = new Intl.NumberFormat('en', { style: 'currency', currency: code, minimumFractionDigits: Math.min(iso, digits), maximumFractionDigits: digits });
    } catch {
      format = null; // not an ISO currency Intl knows: plain digits below
    }
    formats.set(code, format);
  }
  return formats.get(code)!;
}

export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const major = amount / 10 ** digits;
  const format = formatOf(currency);
  return format ? format.format(major) : `${major.toFixed(digits)} ${currency.toUpperCase()}`;
}
