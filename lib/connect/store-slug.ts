import { sql, type SQL } from 'drizzle-orm';
import { p } from '../db/prepared.js';
import { stores } from '../db/schema.js';

// Latin letters NFKD leaves whole: dropped, they would split the word ("stra-e").
const FOLDS: Record<string, string> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l',
  đ: 'd', Đ: 'd', ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h',
};

/** "Café Zoë & Co." → "cafe-zoe-co"; "Straße Smørrebrød" → "strasse-smorrebrod". */
export function slugify(name: string): string {
  return slugOrNull(name) ?? 'store';
}

function slugOrNull(name: string): string | null {
  const base = name
    .replace(/[ßẞæÆœŒøØłŁđĐðÐþÞıħĦ]/g, (c) => FOLDS[c]!)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return base || null;
}

/**
 * The slug a store built from its account wants: the account's `store_slug` metadata (set in
 * the Dashboard, so cleaned like a name), else its business name, else a placeholder from the
 * end of the account id (`unnamedSlug`) until the seller names the business.
 */
export function accountSlug(accountId: string, businessName: string | null, metadataSlug: string | undefined): string {
  return (metadataSlug && slugOrNull(metadataSlug)) || (businessName && slugOrNull(businessName)) || unnamedSlug(accountId);
}

export function unnamedSlug(accountId: string): string {
  return `store-${accountId.slice(-6).toLowerCase()}`;
}

/**
 * The slug for a new store row, decided in the INSERT itself: the wanted slug when free,
 * otherwise the wanted slug plus the end of the account id (unique because account ids are).
 * Used by both the onboarding route's pending store and the webhook's store builder, so
 * whichever writes first picks the slug and the other keeps it.
 */
export function uniqueSlugSql(wanted: string, accountId: string): SQL<string> {
  const { slug, fallbackSlug } = slugValues(wanted, accountId);
  return slugChoice(sql`${slug}`, sql`${fallbackSlug}`, sql`${accountId}`);
}

/** The same choice in a prepared statement (lib/db/prepared.ts), from `slugValues` and `accountId`. */
export const uniqueSlugValue = slugChoice(sql`${p('slug')}`, sql`${p('fallbackSlug')}`, sql`${p('accountId')}`);

export function slugValues(wanted: string, accountId: string): { slug: string; fallbackSlug: string } {
  return { slug: wanted, fallbackSlug: `${wanted}-${accountId.slice(-6).toLowerCase()}` };
}

// The account's own row does not count as taking the slug (a re-slug to the slug it has).
function slugChoice(slug: SQL, fallback: SQL, accountId: SQL): SQL<string> {
  return sql<string>`case when exists (select 1 from ${stores} where ${stores.slug} = ${slug} and ${stores.accountId} <> ${accountId})
    then ${fallback} else ${slug} end`;
}
