/** Background work: the transactional outbox that turns committed writes into queued jobs. */
export { createOutbox, type Outbox, type OutboxAddOptions } from './outbox.js';
