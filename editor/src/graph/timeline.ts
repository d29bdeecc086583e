/**
 * A journey log row as a plain sentence: what the engine did at that step, and why. One table of words for the
 * core's codes (guardrail reasons, wait kinds, end reasons, rule checks), like `plain-issues.ts` for validation: the
 * engine's own text stays in "details". A code without words here falls back to the engine's explanation.
 */
import { describeDuration } from './durations';

export interface LogRow {
  kind: string;
  nodeId: string;
  at?: string;
  detail: Record<string, unknown>;
}

/** What the sentence may refer back to: the last message sent before this row (for "2 h after the push"). */
export interface RowContext {
  lastSent?: { at: string; channel: string };
  /** what a goal step waits for, in words (“order_paid”), when the caller knows the flow's goals */
  goalWhat?: (nodeId: string) => string | undefined;
}

/** "3 days" for PT72H, "6 hours" for PT6H: whole days of hours read as days. */
function inWords(iso: string): string {
  const hours = /^PT(\d+)H$/.exec(iso);
  if (hours && Number(hours[1]) % 24 === 0 && Number(hours[1]) > 0) return describeDuration(`P${Number(hours[1]) / 24}D`);
  return describeDuration(iso);
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const quoted = (v: unknown) => (typeof v === 'string' ? `“${v}”` : str(v));

const channelWords: Record<string, string> = { push: 'push', email: 'e-mail', sms: 'SMS', webhook: 'webhook' };
const channelName = (c: unknown) => channelWords[str(c)] ?? (str(c) || 'message');

/** `skipped` of a `no_channel` guardrail: why each channel it tried could not be used. */
function whyNoChannel(skipped: unknown): string {
  if (!Array.isArray(skipped) || skipped.length === 0) return 'no channel could reach this contact';
  const parts = skipped.map((s: { channel?: string; reason?: string }) =>
    s.reason === 'no_consent'
      ? `no ${channelName(s.channel)} consent`
      : s.reason === 'no_address'
        ? `no ${s.channel === 'email' ? 'e-mail address' : s.channel === 'sms' ? 'phone number' : s.channel === 'push' ? 'push token' : 'address'}`
        : `${channelName(s.channel)} unavailable`,
  );
  return `${parts.join(', ')}${skipped.length === 1 ? ' and no fallback channel' : ''}`;
}

/** "2 h", "3 days", "45 min": the gap between two instants in words. */
export function gapInWords(fromIso: string, toIso: string): string {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${Math.max(1, min)} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  const d = Math.round(h / 24);
  return `${d} day${d === 1 ? '' : 's'}`;
}

const opWords: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  in: 'is one of',
  contains: 'contains',
  exists: 'is set',
};

/** One rule check (`RuleCheck` of the core) in words: `locale is “en”, not “zh-CN” → no`. */
export function describeCheck(check: { kind?: string; result?: boolean; text?: string; values?: Record<string, unknown> }): string {
  const v = check.values ?? {};
  const verdict = check.result ? 'yes' : 'no';
  switch (check.kind) {
    case 'attribute': {
      const name = str(v.attribute);
      const actual = v.actual === null || v.actual === undefined ? 'not set' : quoted(v.actual);
      if (v.op === 'exists') return `${name} is ${v.actual === null || v.actual === undefined ? 'not set' : 'set'} → ${verdict}`;
      if (v.op === 'eq' && !check.result) return `${name} is ${actual}, not ${quoted(v.expected)} → no`;
      return `${name} is ${actual} (${opWords[str(v.op)] ?? str(v.op)} ${quoted(v.expected)}?) → ${verdict}`;
    }
    case 'event': {
      const count = Number(v.count ?? 0);
      const within = typeof v.within === 'string' ? inWords(v.within) : '';
      return `${str(v.event)}: ${count} time${count === 1 ? '' : 's'}${within ? ` in the last ${within}` : ''} → ${verdict}`;
    }
    case 'active':
      return `active on ${Array.isArray(v.activeDays) ? v.activeDays.length : '?'} of the last ${str(v.windowDays)} days (needs ${str(v.minDays)}) → ${verdict}`;
    case 'reengaged':
      return `came back after a message: ${check.result ? 'yes' : 'no'}`;
    default:
      return check.text ?? verdict;
  }
}

function decisionWhy(d: Record<string, unknown>): string {
  if (Array.isArray(d.checks) && d.checks.length > 0)
    return (d.checks as Parameters<typeof describeCheck>[0][]).map(describeCheck).join('; ');
  if (d.reason === 'split' || typeof d.percent === 'number') return `drawn into this arm of the split`;
  return str(d.explanation ?? d.reason);
}

/** Why a journey ended without converting, from the core's end reasons. */
function endWhy(d: Record<string, unknown>): string {
  const reason = str(d.reason);
  if (reason === 'unconnected handle')
    return `the “${str(d.handle) === 'out' ? 'next' : str(d.handle)}” exit of this step ends the journey`;
  if (reason === 'step limit') return 'it went round the flow too many times in one go (a loop without a wait)';
  if (reason === 'goal node reached') return 'it reached the goal';
  return reason;
}

export function describeEntry(
  row: LogRow,
  stepName: (id: string) => string,
  time: (iso: string) => string = (iso) => iso,
  context: RowContext = {},
): string {
  const d = row.detail ?? {};
  const step = `“${stepName(row.nodeId)}”`;
  switch (row.kind) {
    case 'entered':
      return `Entered the flow at ${step}${d.holdout ? ' (holdout: nothing will be sent)' : ''}.`;
    case 'node':
      return `Reached ${step}.`;
    case 'decision': {
      const why = decisionWhy(d);
      const handle = str(d.handle ?? d.branch ?? d.arm);
      return `${step} decided${handle ? ` “${handle === 'out' ? 'next' : handle}”` : ''}${why ? `: ${why}` : ''}.`;
    }
    case 'wait': {
      const until = typeof d.until === 'string' ? time(d.until) : '';
      if (d.kind === 'event') return `Waits at ${step} for “${str(d.event)}”${until ? `, at most until ${until}` : ''}.`;
      if (d.kind === 'goal') {
        const within = typeof d.within === 'string' ? inWords(d.within) : '';
        const what = typeof d.event === 'string' ? `“${d.event}”` : (context.goalWhat?.(row.nodeId) ?? 'the goal');
        return `Waits at ${step}${within ? ` up to ${within}` : ''} for ${what}${until ? `, until ${until}` : ''}; without it the journey ends unconverted.`;
      }
      if (d.kind === 'send')
        return `Message held at ${step}${d.reason === 'quiet_hours' ? ' for quiet hours' : d.reason === 'frequency_cap' ? ' by the frequency cap' : ''}${until ? ` until ${until}` : ''}.`;
      return `Waits at ${step}${until ? ` until ${until}` : ''}.`;
    }
    case 'resumed':
      return `Continued from ${step}.`;
    case 'guardrail': {
      switch (d.reason) {
        case 'holdout':
          return `Not sent at ${step}: this contact is in the holdout group, which gets nothing.`;
        case 'no_channel':
          return `Not sent at ${step}: ${whyNoChannel(d.skipped)}.`;
        case 'frequency_cap':
          return typeof d.until === 'string'
            ? `Held at ${step} by the frequency cap until ${time(d.until)}.`
            : `Not sent at ${step}: the frequency cap allows no more ${channelName(d.channel)} messages.`;
        case 'quiet_hours':
          return `Held at ${step} for quiet hours${typeof d.until === 'string' ? ` until ${time(d.until)}` : ''}.`;
        default:
          return `Not sent at ${step}: ${str(d.reason ?? d.explanation) || 'a guardrail held it back'}.`;
      }
    }
    case 'message': {
      const preview = str(d.preview ?? d.title ?? d.subject ?? d.text);
      return `Sent ${str(d.channel) || 'a message'} at ${step}${preview ? `: “${preview}”` : ''}.`;
    }
    case 'goal': {
      const event = typeof d.event === 'string' ? d.event : null;
      const at = typeof d.at === 'string' ? d.at : null;
      if (event && at) {
        const after = context.lastSent ? gapInWords(context.lastSent.at, at) : '';
        return `Came back: ${event} ${after ? `${after} after the ${channelName(context.lastSent!.channel)}` : `at ${time(at)}`}.`;
      }
      if (Array.isArray(d.checks) && d.checks.length > 0)
        return `Reached the goal: ${(d.checks as Parameters<typeof describeCheck>[0][]).map(describeCheck).join('; ')}.`;
      return `Reached the goal${d.explanation ? `: ${str(d.explanation)}` : ''}.`;
    }
    case 'completed':
      return `Journey completed at ${step}${d.reason ? `: ${endWhy(d)}` : ''}.`;
    case 'exited':
      return `Left the flow at ${step}${d.reason ? `: ${str(d.reason)}` : ''}.`;
    case 'failed':
      return `Failed at ${step}${d.reason || d.error ? `: ${str(d.reason === 'error' ? d.error : (d.reason ?? d.error))}` : ''}.`;
    case 'delivery':
      return `Delivery: ${str(d.status)}${d.error ? ` (${str(d.error)})` : ''}.`;
    default:
      return `${row.kind} at ${step}.`;
  }
}

/** For each row, the last message sent before it in the same journey (the goal sentence measures from it). */
export function contextsOf(rows: readonly LogRow[]): RowContext[] {
  let lastSent: RowContext['lastSent'];
  return rows.map((r) => {
    const context = { lastSent };
    if (r.kind === 'message' && r.at) lastSent = { at: r.at, channel: str(r.detail?.channel) };
    return context;
  });
}

export { describeDuration };
