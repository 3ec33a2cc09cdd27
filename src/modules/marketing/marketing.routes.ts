/** Public pages of the root site: landing and pricing. On a tenant's host, `/` is its dashboard. */
import type { FastifyInstance } from 'fastify';
import { sendPage } from '../../platform/http/htmx.js';
import { PLANS } from '../billing/index.js';
import { LandingPage } from './views/landing.js';
import { PricingPage } from './views/pricing.js';

export async function marketingRoutes(app: FastifyInstance) {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    if (request.site === 'tenant') return reply.redirect('/dashboard', 303);
    return sendPage(reply, LandingPage({ csrfToken: reply.generateCsrf() }));
  });

  app.get('/pricing', { schema: { hide: true } }, async (_request, reply) =>
    sendPage(
      reply,
      PricingPage({
        csrfToken: reply.generateCsrf(),
        plans: PLANS.map((p) => ({
          id: p.id,
          name: p.name,
          priceMonthly: p.priceMonthly,
          currency: p.currency,
          description: p.description,
          features: p.features,
          highlighted: p.id === 'professional',
        })),
      }),
    ),
  );
}
