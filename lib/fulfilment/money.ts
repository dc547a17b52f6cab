// Stripe amounts are integers in the currency's minor unit; zero-decimal currencies (JPY,
// KRW…) have no minor unit. Intl knows the digits for each ISO currency; its formatters (and
// their resolved options) are costly to build, so one of each is kept per currency.
// https://docs.stripe.com/currencies#zero-decimal
interface Currency {
  format: Intl.NumberFormat | null;
  digits: number;
}
const currencies = new Map<string, Currency>();

function currencyOf(currency: string): Currency {
  const code = currency.toUpperCase();
  let c = currencies.get(code);
  if (!c) {
    try {
      const format = new Intl.NumberFormat('en', { style: 'currency', currency: code });
      c = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    } catch {
      c = { format: null, digits: 2 }; // not an ISO currency Intl knows: plain digits below
    }
    currencies.set(code, c);
  }
  return c;
}

export function minorDigits(currency: string): number {
  return currencyOf(currency).digits;
}

export function formatMoney(amount: number, currency: string): string {
  const { format, digits } = currencyOf(currency);
  const major = amount / 10 ** digits;
  return format ? format.format(major) : `${major.toFixed(digits)} ${currency.toUpperCase()}`;
}
