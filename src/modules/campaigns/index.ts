/** Marketing email: subscriptions with recorded consent, one-click unsubscribe, campaigns sent in batches. */
export { createSubscriptions, type Subscriptions, type ConsentSource } from './subscriptions.js';
export { createCampaignsService, parseAudience, describeAudience, type CampaignsService, type Audience, type CampaignProgress, type CampaignInput } from './campaigns.service.js';
export { createCampaignsJobs } from './campaigns.jobs.js';
/** `/email/unsubscribe` and `/account/email-preferences`. */
export { campaignsRoutes } from './campaigns.routes.js';
