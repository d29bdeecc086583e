/**
 * Escalation hops in the outbox (the decisions are the core's `escalation.ts`). When a message of a node with
 * `escalate` is final (sent, delivered or failed), the next hop is queued at once as its own message — own
 * idempotency key `<root key>:esc<hop>`, own channel, content and cost — due `after` later (at once when the message
 * failed), with a journey log row saying why. When a hop comes due the dispatcher asks the core whether it still
 * goes (nothing clicked/opened on the chain, journey not converted or exited) and whether quiet hours hold it; a hop
 * that is not needed any more is removed (it was never sent) with a log row. Queued hops are ordinary outbox rows, so
 * the virtual clock wakes for them and a crash loses none.
 */
import { addDuration } from '../core/durations';
import { escalationVerdict, nextEscalationHop } from '../core/escalation';
import { flowQuietHoursOf, nextAllowedSendTime, quietHoursForFlow } from '../core/guardrails';
import { messageIdFor } from '../core/message-id';
import { subscriptionLinkToken } from '../core/link-token';
import { renderContent, templateFor, templateVariables } from '../core/render';
import type { FlowNodeOf } from '../core/schema';
import type { ChannelKind, EngineSettings } from '../core/types';
import { messageCostCents, smsSegments } from '../core/sms-segments';
import type { Db, Tx } from './db';
import { cancelHops, holdHops, hopStates, insertHops, type MessageKey } from './store/messages';

/** `messages.escalation` of a hop. */
export interface EscalationInfo {
  /** the node's own message (the chain's root) */
  fromMessageId: string;
  rootKey: string;
  previousMessageId: string;
  hop: number;
  unless: 'clicked' | 'opened';
  after: string;
}

type ChannelDataSchemaNode = FlowNodeOf<'channel'>;

/** Frozen flow versions never change: their channel nodes are cached per process. */
const versions = new Map<string, { name: string; nodes: Map<string, ChannelDataSchemaNode> }>();

async function channelNode(
  db: Pick<Db, 'query'>,
  flowId: string,
  version: number,
  nodeId: string,
): Promise<{ flowName: string; node: ChannelDataSchemaNode } | null> {
  const key = `${flowId}:${version}`;
  let v = versions.get(key);
  if (!v) {
    const r = await db.query<{ name: string; graph: { nodes: ChannelDataSchemaNode[] } }>(
      `SELECT f.name, v.graph FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.flow_id = $1 AND v.version = $2`,
      [flowId, version],
    );
    if (!r.rows[0]) return null;
    v = { name: r.rows[0].name, nodes: new Map(r.rows[0].graph.nodes.filter((n) => n.type === 'channel').map((n) => [n.id, n])) };
    if (versions.size > 1000) versions.clear();
    versions.set(key, v);
  }
  const node = v.nodes.get(nodeId);
  return node ? { flowName: v.name, node } : null;
}

export interface HopRow extends MessageKey {
  journey_id: string;
  node_id: string;
  channel: ChannelKind;
  escalation: EscalationInfo | null;
  timezone: string | null;
  /** the flow's stored quiet-hours choice (read with `flowQuietHoursOf`) */
  flow_quiet_hours: unknown;
}

/**
 * Due hops: which still go now. Returns the ids to send; the others are removed (not needed) or held until quiet
 * hours end, each with an `escalation` log row.
 */
export async function screenDueHops(db: Pick<Db, 'query'>, hops: HopRow[], now: Date, settings: EngineSettings): Promise<Set<string>> {
  const go = new Set<string>();
  if (!hops.length) return go;
  const state = await hopStates(db, hops);
  const byId = new Map(state.map((r) => [r.id, r]));
  const cancel: { hop: HopRow; reason: string }[] = [];
  const hold: { hop: HopRow; until: Date }[] = [];
  for (const hop of hops) {
    const s = byId.get(hop.id);
    const info = hop.escalation!;
    if (!s) continue;
    const verdict = escalationVerdict(info.unless, { clicked: s.clicked, opened: s.opened }, s.journey_state as never);
    if (!verdict.go) {
      cancel.push({ hop, reason: verdict.reason });
      continue;
    }
    if (hop.channel !== 'webhook') {
      const quiet = quietHoursForFlow(settings.quietHours, flowQuietHoursOf(hop.flow_quiet_hours));
      const allowed = nextAllowedSendTime(now, hop.timezone ?? 'UTC', quiet);
      if (allowed.getTime() > now.getTime()) {
        hold.push({ hop, until: allowed });
        continue;
      }
    }
    go.add(hop.id);
  }
  await cancelHops(
    db,
    cancel.map((c) => ({ id: c.hop.id, contact_id: c.hop.contact_id, created_at: c.hop.created_at, reason: c.reason })),
    now,
  );
  await holdHops(
    db,
    hold.map((h) => ({ id: h.hop.id, contact_id: h.hop.contact_id, created_at: h.hop.created_at, until: h.until })),
    now,
  );
  return go;
}

export interface FinishedMessage {
  id: string;
  idempotencyKey: string;
  journeyId: string;
  flowId: string;
  flowVersion: number;
  contactId: string;
  nodeId: string;
  channel: ChannelKind;
  status: 'sent' | 'delivered' | 'failed';
  escalation: EscalationInfo | null;
  externalId: string;
  timezone: string | null;
  attributes: Record<string, unknown>;
  consent: Partial<Record<ChannelKind, boolean>>;
}

/** Queues the next hop of every finished message whose node escalates; returns how many were queued. */
export async function queueNextHops(tx: Tx, finished: FinishedMessage[], now: Date, settings: EngineSettings): Promise<number> {
  const rows: unknown[][] = [];
  const logs: { journeyId: string; contactId: string; nodeId: string; detail: Record<string, unknown> }[] = [];
  for (const m of finished) {
    const found = await channelNode(tx, m.flowId, m.flowVersion, m.nodeId);
    const escalate = found?.node.data.escalate;
    if (!found || !escalate) continue;
    const afterHop = m.escalation?.hop ?? 0;
    const next = nextEscalationHop(escalate, afterHop, m.consent ?? {}, m.attributes ?? {});
    if (!next) continue;
    const rootKey = m.escalation?.rootKey ?? m.idempotencyKey;
    const rootId = m.escalation?.fromMessageId ?? m.id;
    const key = `${rootKey}:esc${next.hop}`;
    const id = messageIdFor(key);
    const vars = templateVariables({
      externalId: m.externalId,
      attributes: m.attributes ?? {},
      flow: { id: m.flowId, name: found.flowName },
      messageId: id,
      linkToken: subscriptionLinkToken(settings.subscriptionLinks, id, now),
      publicUrl: settings.publicUrl,
      timezone: m.timezone ?? 'UTC',
    });
    const data = found.node.data;
    let content;
    try {
      content = renderContent(next.channel, templateFor(data.template, data.locales, m.attributes?.locale).template, vars);
    } catch {
      continue; // validation keeps broken templates out of active flows; never block the outbox on one
    }
    const segments = next.channel === 'sms' ? smsSegments(content.body ?? '').segments : undefined;
    const cost = messageCostCents(next.channel, data.costCents ?? settings.channelCosts?.[next.channel] ?? 0, segments);
    const dueAt = m.status === 'failed' ? now : addDuration(now, escalate.after);
    const info: EscalationInfo = {
      fromMessageId: rootId,
      rootKey,
      previousMessageId: m.id,
      hop: next.hop,
      unless: escalate.unless,
      after: escalate.after,
    };
    rows.push([
      id,
      key,
      m.journeyId,
      m.flowId,
      m.flowVersion,
      m.contactId,
      m.nodeId,
      next.channel,
      content,
      cost,
      dueAt.toISOString(),
      info,
      now.toISOString(),
    ]);
    logs.push({
      journeyId: m.journeyId,
      contactId: m.contactId,
      nodeId: m.nodeId,
      detail: {
        messageId: id,
        previousMessageId: m.id,
        channel: next.channel,
        hop: next.hop,
        status: 'scheduled',
        dueAt: dueAt.toISOString(),
        costCents: cost,
        ...(next.skipped.length ? { skipped: next.skipped } : {}),
        explanation:
          m.status === 'failed'
            ? `the ${m.channel} message failed: the same copy goes by ${next.channel} now`
            : `if the ${m.channel} message is not ${escalate.unless} by ${dueAt.toISOString()}, the same copy goes by ${next.channel}`,
      },
    });
  }
  if (!rows.length) return 0;
  const created = await insertHops(tx, rows, logs, now);
  return created.size;
}
