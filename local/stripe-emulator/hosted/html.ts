const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function formatAmount(minor: number, currency: string): string {
  const zero = ZERO_DECIMAL.has(currency.toLowerCase());
  const digits = zero ? 0 : 2;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(zero ? minor : minor / 100);
}

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.5rem 0;padding:.7rem;font-size:1rem}
#error{color:#b00020}table{width:100%;border-collapse:collapse}td{padding:.3rem 0}</style>
</head><body><p><small>Stripe emulator (test mode)</small></p>${body}</body></html>`;
}

export interface HtmlResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function html(status: number, body: string): HtmlResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

export function redirect(location: string): HtmlResponse {
  return { status: 303, headers: { location }, body: '' };
}
