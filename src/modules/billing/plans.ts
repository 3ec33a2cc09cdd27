/** The plan catalogue: one place for prices, limits and features. Billing (Stripe) maps onto these ids. */
export interface Plan {
  id: 'starter' | 'professional' | 'premium';
  name: string;
  priceMonthly: number;
  currency: string;
  description: string;
  features: string[];
  limits: {
    /** Items in the sample Data resource; null = unlimited. */
    dataItems: number | null;
    members: number | null;
    apiCallsPerMinute: number;
  };
}

export const PLANS: readonly Plan[] = [
  {
    id: 'starter',
    name: 'Starter',
    priceMonthly: 0,
    currency: 'USD',
    description: 'For trying things out and small side projects.',
    features: ['Up to 3 members', '1,000 data items', '60 API calls per minute', 'Community support'],
    limits: { dataItems: 1000, members: 3, apiCallsPerMinute: 60 },
  },
  {
    id: 'professional',
    name: 'Professional',
    priceMonthly: 29,
    currency: 'USD',
    description: 'For growing teams that rely on the product every day.',
    features: ['Up to 20 members', '50,000 data items', '600 API calls per minute', 'Webhooks', 'Email support'],
    limits: { dataItems: 50_000, members: 20, apiCallsPerMinute: 600 },
  },
  {
    id: 'premium',
    name: 'Premium',
    priceMonthly: 99,
    currency: 'USD',
    description: 'For organisations that need scale and guarantees.',
    features: ['Unlimited members', 'Unlimited API calls', 'Advanced analytics', 'Priority support'],
    limits: { dataItems: null, members: null, apiCallsPerMinute: 6000 },
  },
];

export const DEFAULT_PLAN_ID: Plan['id'] = 'starter';

export function findPlan(id: string): Plan | undefined {
  return PLANS.find((p) => p.id === id);
}

export function isPlanId(id: string): id is Plan['id'] {
  return PLANS.some((p) => p.id === id);
}
