/** The consequence of each flow setting in one sentence (the Flow settings dialog and the activation dialog). */
import { describeDuration, type FlowQuietHours, type Reentry } from '../engine';

export interface QuietWindow {
  start: string;
  end: string;
}

export function holdoutSentence(percent: number): string {
  return percent === 0
    ? 'Everyone who enters gets the messages; without a control group the lift of this flow cannot be measured.'
    : `${percent} in every 100 people who enter get nothing, so you can see how many would have come back anyway (the lift).`;
}

/** `undefined`: the trigger says nothing, and the engine lets a contact in once. */
export function reentrySentence(reentry: Reentry | undefined): string {
  if (reentry === undefined || reentry === 'never')
    return 'A contact goes through this flow once: after their journey ends they never enter it again.';
  return `A contact can enter again ${describeDuration(reentry.cooldown)} after their last journey here ended, never while one is still running.`;
}

/** `workspace`: the workspace's quiet hours as loaded (null: it has none; undefined: not known yet). */
export function quietHoursSentence(choice: FlowQuietHours, workspace: QuietWindow | null | undefined): string {
  if (choice === 'off')
    return "Messages go out at any hour, even at night, whatever the workspace's quiet hours: keep this for messages people expect at once.";
  if (choice === 'workspace') {
    if (workspace === undefined) return "Messages keep the workspace's quiet hours (Settings → Guardrails), like other flows.";
    if (workspace === null) return 'The workspace has no quiet hours: messages go out at any hour, like in other flows.';
    return `Messages wait while it is between ${workspace.start} and ${workspace.end} in the contact's time zone, like in other flows.`;
  }
  if (choice.start === choice.end) return 'From and until are the same time: this window never holds a message.';
  return `Messages of this flow wait while it is between ${choice.start} and ${choice.end} in the contact's time zone; other flows keep the workspace's hours.`;
}
