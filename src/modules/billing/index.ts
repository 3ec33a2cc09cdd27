/** Billing: plans and their limits (subscriptions and Stripe come later). */
/** The plan catalogue, default plan, and lookups. */
export { PLANS, DEFAULT_PLAN_ID, findPlan, isPlanId, type Plan } from './plans.js';
