// Stripe amounts are integers in the currency's minor unit; zero-decimal currencies (JPY,
// KRW…) have no minor unit. Intl knows the digits for each ISO currency; its formatters are
// costly to build, so one is kept per currency.
// https://docs.stripe.com/currencies#zero-decimal
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatter(currency: string): Intl.NumberFormat | null {
  const code = currency.toUpperCase();
  if (!formatters.has(code)) {
    let f: Intl.NumberFormat | null = null;
    try {
      f = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    } catch {
      f = null; // not an ISO currency Intl knows: plain digits below
    }
    formatters.set(code, f);
  }
  return formatters.get(code)!;
}

export function minorDigits(currency: string): number {
  return formatter(currency)?.resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(amount: number, currency: string): string {
  const f = formatter(currency);
  const digits = minorDigits(currency);
  const major = amount / 10 ** digits;
  return f ? f.format(major) : `${major.toFixed(digits)} ${currency.toUpperCase()}`;
}
