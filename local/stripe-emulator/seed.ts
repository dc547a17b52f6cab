import { buildPrice, buildProduct } from './objects/catalog.js';
import type { Store } from './store.js';

interface SeedItem {
  product: string;
  name: string;
  description: string;
  price: string;
  amount: number;
  currency: string;
  monthly?: boolean;
  active?: boolean;
}

const SEED: SeedItem[] = [
  { product: 'prod_demo_tshirt', name: 'Demo T-shirt', description: 'A soft cotton T-shirt.', price: 'price_demo_tshirt_usd', amount: 2500, currency: 'usd' },
  { product: 'prod_demo_mug', name: 'Demo Mug', description: 'A ceramic mug.', price: 'price_demo_mug_jpy', amount: 1500, currency: 'jpy' },
  { product: 'prod_demo_poster', name: 'Demo Poster', description: 'A printed poster.', price: 'price_demo_poster_eur', amount: 1200, currency: 'eur' },
  { product: 'prod_demo_membership', name: 'Demo Membership', description: 'Monthly membership.', price: 'price_demo_membership_monthly', amount: 900, currency: 'usd', monthly: true },
  { product: 'prod_demo_retired', name: 'Retired Item', description: 'No longer sold.', price: 'price_demo_retired', amount: 1000, currency: 'usd', active: false },
];

export const SEED_PRICE_IDS = SEED.map((s) => s.price);

export function seedCatalogue(store: Store): void {
  for (const s of SEED) {
    const product = buildProduct({ id: s.product, name: s.name, description: s.description, active: s.active ?? true });
    product.default_price = s.price;
    const price = buildPrice({
      id: s.price,
      product: s.product,
      unit_amount: s.amount,
      currency: s.currency,
      recurring: s.monthly ? { interval: 'month' } : null,
      active: s.active ?? true,
      lookup_key: s.price.replace(/^price_/, ''),
    });
    store.put(product);
    store.put(price);
  }
}
