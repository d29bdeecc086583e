/** A journey log row as a plain sentence: what the engine did at that step, and why. */
import { describeDuration } from './durations';

export interface LogRow {
  kind: string;
  nodeId: string;
  detail: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

export function describeEntry(row: LogRow, stepName: (id: string) => string, time: (iso: string) => string = (iso) => iso): string {
  const d = row.detail ?? {};
  const step = `“${stepName(row.nodeId)}”`;
  switch (row.kind) {
    case 'entered':
      return `Entered the flow at ${step}${d.holdout ? ' (holdout: nothing will be sent)' : ''}.`;
    case 'node':
      return `Reached ${step}.`;
    case 'decision': {
      const why = str(d.explanation ?? d.reason);
      const handle = str(d.handle ?? d.branch ?? d.arm);
      return `${step} decided${handle ? ` “${handle === 'out' ? 'next' : handle}”` : ''}${why ? `: ${why}` : ''}.`;
    }
    case 'wait': {
      const until = typeof d.until === 'string' ? time(d.until) : '';
      if (d.kind === 'event') return `Waits at ${step} for “${str(d.event)}”${until ? `, at most until ${until}` : ''}.`;
      if (d.kind === 'send') return `Message held at ${step}${until ? ` until ${until}` : ''}${d.reason ? `: ${str(d.reason)}` : ''}.`;
      return `Waits at ${step}${until ? ` until ${until}` : ''}.`;
    }
    case 'resumed':
      return `Continued from ${step}.`;
    case 'guardrail':
      return `Not sent at ${step}: ${str(d.reason ?? d.explanation) || 'a guardrail held it back'}.`;
    case 'message': {
      const preview = str(d.preview ?? d.title ?? d.subject ?? d.text);
      return `Sent ${str(d.channel) || 'a message'} at ${step}${preview ? `: “${preview}”` : ''}.`;
    }
    case 'goal':
      return `Reached the goal${d.explanation ? `: ${str(d.explanation)}` : ''}.`;
    case 'completed':
      return `Journey completed at ${step}${d.reason ? ` (${str(d.reason)})` : ''}.`;
    case 'exited':
      return `Left the flow at ${step}${d.reason ? `: ${str(d.reason)}` : ''}.`;
    case 'failed':
      return `Failed at ${step}${d.reason || d.error ? `: ${str(d.reason ?? d.error)}` : ''}.`;
    case 'delivery':
      return `Delivery: ${str(d.status)}${d.error ? ` (${str(d.error)})` : ''}.`;
    default:
      return `${row.kind} at ${step}.`;
  }
}

export { describeDuration };
