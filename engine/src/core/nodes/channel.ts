import { chooseChannel, frequencyCapVerdict, nextAllowedSendTime } from '../guardrails';
import { topicAllows } from '../topics';
import { localeChain } from '../locale';
import {
  missingChannelField,
  missingChannelFields,
  renderContent,
  templateFields,
  templateFor,
  templateProblems,
  templateVariables,
} from '../render';
import { messageCostCents, smsSegments } from '../sms-segments';
import type { ChannelData, ChannelKind, FlowNodeOf, MessageTemplate } from '../schema';
import type { RenderedContent } from '../types';
import { plainTemplate } from '../words';
import { durationIssues, issueAt } from './checks';
import { OUT, type DataIssue, type NodeOutcome, type NodeTraits, type StepContext } from './types';

/** How many win-back send times a journey remembers for attribution. */
export const WINBACK_HISTORY = 20;

/**
 * Guardrails, then one send. Order: holdout (go through, send nothing) → channel choice (consent + address, primary
 * then fallbacks; none → skip and continue) → quiet hours and frequency caps (wait at this node, re-checked on wake-up;
 * webhooks are system calls and skip both) → render and send.
 */
export const channelNode: NodeTraits<'channel'> = {
  enter: attemptSend,
  resume(node, wait, ctx) {
    if (wait.kind !== 'event' && ctx.now.getTime() < Date.parse(wait.until)) return null;
    return attemptSend(node, ctx);
  },

  label: 'Message',
  hint: 'Send email, push, SMS or a webhook',
  defaultData: () => ({ channel: 'push', template: { title: 'We miss you', body: 'Come back and see what is new.' } }),
  outHandles: () => [OUT],
  kindName: () => 'a channel node',
  rules: () => [],
  check: checkChannel,

  summary(d) {
    const t = d.template ?? {};
    // the field the current channel sends first: a template keeps other channels' fields after a switch (push → SMS)
    const headline =
      (d.channel === 'push'
        ? (t.title ?? t.body)
        : d.channel === 'email'
          ? (t.subject ?? t.text)
          : d.channel === 'sms'
            ? t.body
            : (t.url ?? t.body)) ?? '';
    const fallback = d.fallback?.length ? ` → ${d.fallback.join(', ')}` : '';
    const plain = plainTemplate(String(headline));
    return `${d.channel}${fallback}${plain ? ` · ${plain.length > 48 ? `${plain.slice(0, 47)}…` : plain}` : ''}`;
  },
};

function attemptSend(node: FlowNodeOf<'channel'>, ctx: StepContext): NodeOutcome {
  const data = node.data;
  const out: NodeOutcome = { kind: 'next', handle: OUT };
  if (ctx.journey.holdout) {
    ctx.log('guardrail', { reason: 'holdout', channel: data.channel, explanation: 'holdout contact: not sent' });
    return out;
  }

  const topic = data.topic;
  const choice = chooseChannel(
    data.channel,
    data.fallback,
    ctx.facts.consent,
    ctx.facts.attributes,
    topic ? { key: topic, allows: (c) => topicAllows(topic, c, ctx.facts.topics) } : undefined,
  );
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

  const { idempotencyKey, messageId, linkToken } = ctx.messageIds();
  const vars = templateVariables({
    externalId: ctx.facts.externalId,
    attributes: ctx.facts.attributes ?? {},
    flow: ctx.flow,
    messageId,
    linkToken,
    publicUrl: ctx.settings.publicUrl,
    timezone: ctx.facts.timezone,
  });
  const variant = templateFor(data.template, data.locales, ctx.facts.attributes?.locale);
  const content = renderContent(channel, variant.template, vars);
  const segments = channel === 'sms' ? smsSegments(content.body ?? '').segments : undefined;
  const costCents = messageCostCents(channel, data.costCents ?? ctx.settings.channelCosts?.[channel] ?? 0, segments);
  ctx.send({ idempotencyKey, messageId, channel, content, costCents, ...(topic ? { topic } : {}) });
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

// ------------------------------------------------------------------------------------------------ data checks

/** Every channel it may go on can be sent with its copy (primary, fallbacks, locale variants, escalation hops). */
function checkChannel(d: ChannelData): DataIssue[] {
  const issues: DataIssue[] = [...missing('template', 'template.missingField', d.channel, d.template)];
  for (const fb of d.fallback ?? []) {
    if (fb === d.channel) {
      issues.push({ ...issueAt('fallback', 'fallback.isPrimary', `"${fb}" is the primary channel`, { channel: fb }), warning: true });
    } else issues.push(...missing('fallback', 'fallback.missingField', fb, d.template, { lead: `${fb} fallback cannot be sent: ` }));
  }
  issues.push(...templateIssues('template', d.template));
  for (const [locale, variant] of Object.entries(d.locales ?? {})) {
    const at = `locales.${locale}`;
    if (localeChain(locale).length === 0) issues.push(issueAt(at, 'locale.invalid', 'not a BCP 47 locale', { locale }));
    issues.push(...missing(at, 'locale.missingField', d.channel, { ...d.template, ...variant }, { params: { locale }, fieldsAt: at }));
    issues.push(...templateIssues(at, variant, { locale }));
  }
  if (d.escalate) {
    issues.push(...durationIssues(d.escalate.after, 'escalate.after'));
    d.escalate.to.forEach((to, i) =>
      issues.push(
        ...missing(`escalate.to[${i}]`, 'escalate.missingField', to, d.template, { lead: `${to} cannot be sent: `, params: { index: i } }),
      ),
    );
  }
  return issues;
}

/**
 * The template field `channel` needs and `template` lacks, as an issue about that field (`template.subject`, or the
 * variant's own `locales.zh-CN.subject`), worded `data.<at>: <lead><channel> needs …`.
 */
function missing(
  at: string,
  code: string,
  channel: ChannelKind,
  template: MessageTemplate,
  { lead = '', params = {}, fieldsAt = 'template' }: { lead?: string; params?: Record<string, unknown>; fieldsAt?: string } = {},
): DataIssue[] {
  const needs = missingChannelField(channel, template);
  if (!needs) return [];
  return [issueAt(at, code, `${lead}${missingChannelFields(channel, template)}`, { ...params, channel, needs }, `${fieldsAt}.${needs}`)];
}

/** Problems in the Handlebars of each template field (`template.variable`, `template.helper`…), each about its field. */
function templateIssues(at: string, template: MessageTemplate, params: Record<string, unknown> = {}): DataIssue[] {
  return templateFields.flatMap((field) => {
    const source = template[field];
    if (source === undefined) return [];
    return templateProblems(source).map(({ code, message, ...names }) =>
      issueAt(`${at}.${field}`, `template.${code}`, message, { ...params, templateField: field, problem: message, ...names }),
    );
  });
}
