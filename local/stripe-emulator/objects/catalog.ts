import { nowSeconds, randomId } from '../ids.js';
import type { StripeObject } from '../types.js';

export interface ProductInput {
  id?: string;
  name: string;
  description?: string | null;
  images?: string[];
  active?: boolean;
  metadata?: Record<string, string>;
  url?: string | null;
}

export function buildProduct(input: ProductInput): StripeObject {
  const created = nowSeconds();
  return {
    id: input.id ?? randomId('prod', 14),
    object: 'product',
    active: input.active ?? true,
    attributes: [],
    created,
    default_price: null,
    description: input.description ?? null,
    images: input.images ?? [],
    livemode: false,
    marketing_features: [],
    metadata: input.metadata ?? {},
    name: input.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: created,
    url: input.url ?? null,
  };
}

export interface PriceInput {
  id?: string;
  product: string;
  unit_amount: number;
  currency: string;
  recurring?: { interval: string; interval_count?: number; usage_type?: string } | null;
  active?: boolean;
  lookup_key?: string | null;
  nickname?: string | null;
  metadata?: Record<string, string>;
  tax_behavior?: string;
}

export function buildPrice(input: PriceInput): StripeObject {
  const recurring = input.recurring
    ? {
        interval: input.recurring.interval,
        interval_count: input.recurring.interval_count ?? 1,
        meter: null,
        trial_period_days: null,
        usage_type: input.recurring.usage_type ?? 'licensed',
      }
    : null;
  return {
    id: input.id ?? randomId('price', 24),
    object: 'price',
    active: input.active ?? true,
    billing_scheme: 'per_unit',
    created: nowSeconds(),
    currency: input.currency.toLowerCase(),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookup_key ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring,
    tax_behavior: input.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: input.unit_amount,
    unit_amount_decimal: String(input.unit_amount),
  };
}
