/**
 * What each message count means, written once as SQL over a `messages` row so that every figure (flow, node, arm,
 * version, the messages summary, CSV exports, the simulator) comes from the same definition and none can disagree.
 *
 * - sent: a provider accepted it (`sent_at` is stamped by the dispatcher when it does), whatever happened after —
 *   delivered, bounced, reported undelivered by a receipt. A message that never left (failed on every attempt,
 *   cancelled, held) was not sent.
 * - delivered: a receipt said so, or a synchronous provider did (status `delivered`; a later bounce or failure
 *   receipt takes it back).
 * - billed: what the provider accepted is what it charges for, so cost counts every sent message, including those
 *   later reported undelivered.
 * - converted after a message: the journey met a goal after at least one of its messages was sent, judged at the
 *   conversion instant the core recorded (`context.convertedAt`: the goal event's time), or the journey's end.
 */
export const messageCounts = {
  sent: (m: string) => `(${m}.sent_at IS NOT NULL)`,
  delivered: (m: string) => `(${m}.status = 'delivered')`,
  clicked: (m: string) => `(${m}.clicked_at IS NOT NULL)`,
  opened: (m: string) => `(${m}.opened_at IS NOT NULL)`,
  billedCents: (m: string) => `(CASE WHEN ${m}.sent_at IS NOT NULL THEN ${m}.cost_cents ELSE 0 END)`,
};

/**
 * The instant a converted journey met its goal; journeys converted before it was recorded: their end, else their
 * last update (a journey written without `ended_at`).
 */
export const convertedAtSql = (j: string) => `coalesce((${j}.context->>'convertedAt')::timestamptz, ${j}.ended_at, ${j}.updated_at)`;

/**
 * True for a converted journey one of whose messages was sent at or before its conversion. `j` must expose `id`,
 * `contact_id`, `state`, `context`, `ended_at` and `updated_at`.
 */
export const convertedAfterMessageSql = (j: string) =>
  // the contact too: Citus joins a journey's messages only on the shard key (contact_id)
  `(${j}.state = 'converted' AND EXISTS (SELECT 1 FROM messages cm WHERE cm.contact_id = ${j}.contact_id AND cm.journey_id = ${j}.id
      AND ${messageCounts.sent('cm')} AND cm.sent_at <= ${convertedAtSql(j)}))`;
