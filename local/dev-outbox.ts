import { desc } from 'drizzle-orm';
import { getDb } from '../lib/db/client.js';
import { emailOutbox } from '../lib/db/schema.js';

// Dev server only (mounted through startDevStack's `extra` hook, never deployed): without an
// email provider, confirmation mails stay in the outbox, and this page shows them.
export async function devOutbox(req: Request): Promise<Response | null> {
  const { pathname } = new URL(req.url);
  if (pathname !== '/_dev/outbox') return null;
  const db = await getDb();
  const rows = await db.select().from(emailOutbox).orderBy(desc(emailOutbox.id)).limit(100);
  const items = rows.map((r) => `
    <article>
      <h2>${esc(r.subject)}</h2>
      <p>To <b>${esc(r.to)}</b> · order ${r.orderId} · ${r.status}${r.attempts ? ` · ${r.attempts} attempt(s)` : ''}${r.lastError ? ` · last error: ${esc(r.lastError)}` : ''}</p>
      <iframe sandbox="" title="${esc(r.subject)}" srcdoc="${esc(r.html)}"></iframe>
      <details><summary>Plain text</summary><pre>${esc(r.text)}</pre></details>
    </article>`).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dev outbox</title>
<style>body{font:15px system-ui,sans-serif;max-width:50rem;margin:auto;padding:1rem}article{border-bottom:1px solid #ddd;padding:1rem 0}iframe{width:100%;height:12rem;border:1px solid #ccc}</style>
</head><body><h1>Dev outbox</h1><p>Order confirmations this dev server has queued. Set RESEND_API_KEY and EMAIL_FROM to send them for real.</p>
${items || '<p>No messages yet.</p>'}</body></html>`;
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
