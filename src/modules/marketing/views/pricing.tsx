// Public pricing page. Plan cards use the spec's markup classes (plan-card, plan-header, ...).
import { Layout } from '../../../platform/views/layout.js';
import { EmptyState, cx } from '../../../platform/views/components.js';

export interface PlanView {
  id: string;
  name: string;
  /** In major currency units (99 means $99). */
  priceMonthly: number;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
  description: string;
  features: string[];
  highlighted?: boolean;
}

export interface PricingPageProps {
  plans: PlanView[];
  csrfToken?: string;
  user?: { name: string; email: string } | null;
}

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: '$', AUD: '$', INR: '₹' };

export function currencySymbol(code: string): string {
  return SYMBOLS[code.toUpperCase()] ?? code.toUpperCase();
}

export function formatAmount(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

const FAQ: { q: string; a: string }[] = [
  {
    q: 'Can I change plans later?',
    a: 'Yes. Owners can upgrade or downgrade from the workspace’s billing page at any time. Upgrades apply right away.',
  },
  {
    q: 'What happens when my workspace reaches a limit?',
    a: 'Nothing is deleted. The dashboard shows your usage against the limit, new items are refused once you are at it, and API calls over the rate limit get a 429 response with a Retry-After header. Upgrade to raise the limit.',
  },
  {
    q: 'Is my data kept apart from other customers?',
    a: 'Yes. Every row belongs to one workspace, and the database itself (Postgres row-level security) refuses to return another workspace’s rows.',
  },
  {
    q: 'Is two-factor sign-in included?',
    a: 'Yes, on every plan: authenticator apps with backup codes, plus sign-in with Google, GitHub or Microsoft where enabled.',
  },
  {
    q: 'How do I cancel?',
    a: 'Cancel from the billing page. Your workspace keeps its plan until the end of the period you paid for.',
  },
];

function PlanCard(props: { plan: PlanView }) {
  const p = props.plan;
  const titleId = `plan-${p.id}-title`;
  return (
    <div class={cx('plan-card', p.highlighted && 'plan-card-highlighted')} aria-labelledby={titleId} role="group">
      {p.highlighted ? (
        <p class="absolute -top-3 left-1/2 -translate-x-1/2 rounded-full bg-brand-600 px-3 py-1 text-xs font-semibold whitespace-nowrap text-white shadow-sm">
          Most popular
        </p>
      ) : null}
      <div class="plan-header">
        <h3 id={titleId} class="plan-title">
          {p.name}
        </h3>
        <p class="plan-description">{p.description}</p>
        <div class="plan-price">
          <span class="currency">{currencySymbol(p.currency)}</span>
          <span class="amount">{formatAmount(p.priceMonthly)}</span>
          <span class="period">/month</span>
        </div>
      </div>
      <div class="plan-features">
        <ul class="feature-list">
          {p.features.map((f) => (
            <li class="feature-item">
              <span class="feature-check" aria-hidden="true">
                ✓
              </span>{' '}
              <span>{f}</span>
            </li>
          ))}
        </ul>
      </div>
      <a
        class={cx('btn btn-full btn-lg', p.highlighted ? 'btn-primary' : 'btn-secondary')}
        href={`/signup?plan=${encodeURIComponent(p.id)}`}
      >
        Start with {p.name}
      </a>
    </div>
  );
}

export function PricingPage(props: PricingPageProps) {
  const cols = props.plans.length >= 3 ? 'lg:grid-cols-3' : props.plans.length === 2 ? 'md:grid-cols-2' : '';
  return (
    <Layout
      title="Pricing"
      nav="marketing"
      active="pricing"
      csrfToken={props.csrfToken}
      user={props.user ?? null}
      description="Plans for every stage of your SaaS App workspace, from first project to scale."
    >
      <section class="relative isolate overflow-hidden" aria-labelledby="pricing-title">
        <div class="hero-glow" aria-hidden="true"></div>
        <div class="container-page pt-16 pb-20 sm:pt-24">
          <div class="mx-auto max-w-2xl text-center">
            <p class="text-sm font-semibold text-brand-600 dark:text-brand-400">Pricing</p>
            <h1
              id="pricing-title"
              class="mt-2 text-4xl font-semibold tracking-tight text-balance text-zinc-900 sm:text-5xl dark:text-white"
            >
              Plans that grow with your team
            </h1>
            <p class="mt-5 text-lg text-pretty text-zinc-600 dark:text-zinc-400">
              Every plan includes workspaces on your own subdomain, two-factor sign-in and the full API. Plans differ
              in limits and support.
            </p>
          </div>

          <h2 class="sr-only">Plans</h2>
          {props.plans.length ? (
            <div class={cx('mx-auto mt-16 grid max-w-5xl gap-8 lg:gap-6', cols)}>
              {props.plans.map((plan) => (
                <PlanCard plan={plan} />
              ))}
            </div>
          ) : (
            <div class="card mx-auto mt-16 max-w-lg">
              <EmptyState
                icon="credit-card"
                title="Plans are being set up"
                description="Pricing is not available right now. You can still create a workspace and choose a plan later."
                action={
                  <a href="/signup" class="btn btn-primary">
                    Create a workspace
                  </a>
                }
              />
            </div>
          )}

          <p class="mt-10 text-center text-sm text-zinc-500 dark:text-zinc-400">
            Prices are per workspace per month, excluding taxes.
          </p>
        </div>
      </section>

      <section class="border-t border-zinc-200 py-20 dark:border-white/10" aria-labelledby="faq-title">
        <div class="container-page grid gap-10 lg:grid-cols-[1fr_2fr]">
          <div>
            <h2 id="faq-title" class="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">
              Frequently asked questions
            </h2>
            <p class="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
              Something else? Read the{' '}
              <a href="/docs" class="link">
                API docs
              </a>{' '}
              or start a workspace and look around.
            </p>
          </div>
          <div class="border-t border-zinc-200 dark:border-white/10">
            {FAQ.map((item) => (
              <details class="faq-item">
                <summary>{item.q}</summary>
                <p>{item.a}</p>
              </details>
            ))}
          </div>
        </div>
      </section>
    </Layout>
  );
}
