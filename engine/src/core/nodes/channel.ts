import { chooseChannel, frequencyCapVerdict, nextAllowedSendTime } from '../guardrails';
import { messageIdFor } from '../hash';
import { renderContent, templateFor, templateVariables } from '../render';
import { messageCostCents, smsSegments } from '../sms-segments';
import type { FlowNodeOf } from '../schema';
import type { RenderedContent } from '../types';
import type { NodeHandler, NodeOutcome, StepContext } from './types';

/** How many win-back send times a journey remembers for attribution. */
export const WINBACK_HISTORY = 20;

/**
 * Guardrails, then one send. Order: holdout (go through, send nothing) → channel choice (consent + address, primary
 * then fallbacks; none → skip and continue) → quiet hours and frequency caps (wait at this node, re-checked on wake-up;
 * webhooks are system calls and skip both) → render and send.
 */
export const channelHandler: NodeHandler<'channel'> = {
  enter: attemptSend,
  resume(node, wait, ctx) {
    if (wait.kind !== 'event' && ctx.now.getTime() < Date.parse(wait.until)) return null;
    return attemptSend(node, ctx);
  },
};

function attemptSend(node: FlowNodeOf<'channel'>, ctx: StepContext): NodeOutcome {
  const data = node.data;
  const out: NodeOutcome = { kind: 'next', handle: 'out' };
  if (ctx.journey.holdout) {
    ctx.log('guardrail', { reason: 'holdout', channel: data.channel, explanation: 'holdout contact: not sent' });
    return out;
  }

  const choice = chooseChannel(data.channel, data.fallback, ctx.facts.consent, ctx.facts.attributes);
  if (choice.channel === null) {
    ctx.log('guardrail', {
      reason: 'no_channel',
      skipped: choice.reasons,
      explanation: `not sent: ${choice.reasons.map((r) => r.detail).join('; ')}`,
    });
    return out;
  }
  const channel = choice.channel;

  if (channel !== 'webhook') {
    const allowedAt = nextAllowedSendTime(ctx.now, ctx.facts.timezone, ctx.settings.quietHours);
    const cap = frequencyCapVerdict(channel, ctx.recentSends, ctx.settings.frequencyCaps, ctx.now);
    if (!cap.allowed && !cap.retryAt) {
      ctx.log('guardrail', { reason: 'frequency_cap', channel, cap: cap.cap, explanation: 'cap allows no sends: skipped' });
      return out;
    }
    const capUntil = cap.allowed ? 0 : cap.retryAt!.getTime();
    const until = Math.max(allowedAt.getTime(), capUntil);
    if (until > ctx.now.getTime()) {
      const reason = !cap.allowed && capUntil >= allowedAt.getTime() ? 'frequency_cap' : 'quiet_hours';
      const untilIso = new Date(until).toISOString();
      ctx.log('guardrail', {
        reason,
        channel,
        until: untilIso,
        ...(cap.allowed ? {} : { cap: cap.cap, counted: cap.count }),
        explanation:
          reason === 'quiet_hours'
            ? `quiet hours in ${ctx.facts.timezone}: held until ${untilIso}`
            : `frequency cap ${cap.allowed ? '' : `${cap.cap.channel} ≤ ${cap.cap.max} per ${cap.cap.per}`}: held until ${untilIso}`,
      });
      return { kind: 'wait', wait: { kind: 'send', until: untilIso, reason } };
    }
  }

  const idempotencyKey = `${ctx.journey.id}:${ctx.journey.stepSeq}`;
  const messageId = messageIdFor(idempotencyKey);
  const vars = templateVariables({
    externalId: ctx.facts.externalId,
    attributes: ctx.facts.attributes ?? {},
    flow: ctx.flow,
    messageId,
    publicUrl: ctx.settings.publicUrl,
    timezone: ctx.facts.timezone,
  });
  const variant = templateFor(data.template, data.locales, ctx.facts.attributes?.locale);
  const content = renderContent(channel, variant.template, vars);
  const segments = channel === 'sms' ? smsSegments(content.body ?? '').segments : undefined;
  const costCents = messageCostCents(channel, data.costCents ?? ctx.settings.channelCosts?.[channel] ?? 0, segments);
  ctx.send({ idempotencyKey, messageId, channel, content, costCents });
  ctx.log('message', {
    channel,
    idempotencyKey,
    messageId,
    costCents,
    ...(segments ? { segments } : {}),
    ...(variant.locale ? { locale: variant.locale } : {}),
    preview: preview(content),
    winback: data.winback !== false,
    ...(channel !== data.channel ? { fallbackFrom: data.channel, skipped: choice.reasons } : {}),
  });
  if (data.winback !== false) {
    const sent = [...(ctx.journey.context.winbackSentAt ?? []), ctx.now.toISOString()];
    ctx.journey.context.winbackSentAt = sent.slice(-WINBACK_HISTORY);
  }
  return out;
}

function preview(content: RenderedContent): string {
  const text = [content.subject ?? content.title, content.body ?? content.text ?? content.html ?? content.url].filter(Boolean).join(' — ');
  return text.length > 140 ? `${text.slice(0, 137)}...` : text;
}
