/**
 * Validation messages in the marketer's words, each pointing at the form field it is about. The engine's
 * `validateFlow` (and the server, which runs the same function) speak in data paths ("data.duration: … ISO 8601 …");
 * the editor shows "Wait time must be more than zero." next to the wait-time picker.
 */
import type { ValidationIssue } from '../engine';

export interface PlainIssue {
  nodeId: string | null;
  /** the form field the message is about (the inspector shows it there), or null for the whole step/flow */
  field: string | null;
  text: string;
  /** the engine's own words, for the tooltip and for support */
  original: string;
}

/** The name a handle has on the cards: the single `out` handle is "next". */
export function handleLabel(handle: string): string {
  return handle === 'out' ? 'next' : handle;
}

const fieldNames: Record<string, string> = {
  subject: 'subject',
  html: 'HTML body',
  text: 'plain-text body',
  title: 'title',
  body: 'text',
  url: 'link',
};

const needs: Record<string, [string, string]> = {
  'email needs template.subject': ['An email needs a subject.', 'subject'],
  'email needs template.html or template.text': ['An email needs a body (HTML or plain text).', 'html'],
  'push needs template.title or template.body': ['A push needs a title or a text.', 'title'],
  'sms needs template.body': ['An SMS needs a text.', 'body'],
  'webhook needs template.url': ['A webhook needs a URL.', 'url'],
};

const durationWhat: Record<string, [string, string]> = {
  'data.duration': ['Wait time', 'duration'],
  'data.waitFor.timeout': ['The longest wait for the event', 'timeout'],
  'data.reentry.cooldown': ['The re-entry cooldown', 'cooldown'],
  'data.maxAge': ['The age limit of events', 'maxAge'],
  'data.escalate.after': ['The wait before escalating', 'escalateAfter'],
};

function zeroish(value: string): boolean {
  return /^P(T?)(0+[WDHMS])+$/.test(value) || /^PT?0/.test(value);
}

export function plainIssue(issue: ValidationIssue): PlainIssue {
  const original = issue.message;
  const out = (text: string, field: string | null = null): PlainIssue => ({ nodeId: issue.nodeId, field, text, original });
  let m: RegExpExecArray | null;

  if (
    (m =
      /^(data\.duration|data\.waitFor\.timeout|data\.reentry\.cooldown|data\.maxAge|data\.escalate\.after): "(.*)" is not a positive ISO 8601 duration/.exec(
        original,
      ))
  ) {
    const [what, field] = durationWhat[m[1]];
    return zeroish(m[2])
      ? out(`${what} must be more than zero.`, field)
      : out(`${what} “${m[2]}” is not a length of time: pick a number and a unit.`, field);
  }
  if ((m = /^(data\.[\w.[\]]*)\.within: "(.*)" is not a positive ISO 8601 duration/.exec(original))) {
    return out(`The time window of an event rule must be more than zero.`, fieldOfRule(m[1]));
  }
  if ((m = /^handle "(.+)" is not connected: journeys end there/.exec(original))) {
    return out(`The “${handleLabel(m[1])}” exit is not connected: journeys that take it end here.`);
  }
  if ((m = /^handle "(.+)" already has edge/.exec(original))) return out(`The “${handleLabel(m[1])}” exit has two connections; keep one.`);
  if (/^node "(.+)" is unreachable from the trigger/.test(original)) {
    return out('Nothing leads to this step: connect an earlier step to it, or delete it.');
  }
  if (original === 'the flow needs a trigger node') return out('The flow needs a trigger: add one from the palette.');
  if (/^only one trigger is allowed/.test(original)) return out('A flow has one trigger: delete this one.');
  if ((m = /^cycle without a delay: (.*) \(a loop/.exec(original)))
    return out(`These steps loop without waiting (${m[1]}): put a delay in the loop.`);
  if ((m = /^data\.template: (.*)$/.exec(original)) && needs[m[1]]) return out(...needs[m[1]]);
  if ((m = /^data\.fallback: (\w+) fallback cannot be sent: (.*)$/.exec(original))) {
    const [text, field] = needs[m[2]] ?? [m[2], null];
    return out(`The ${m[1] === 'sms' ? 'SMS' : m[1]} fallback cannot be sent. ${text}`, field);
  }
  if ((m = /^data\.escalate\.to\[\d+\]: (\w+) cannot be sent: (.*)$/.exec(original))) {
    const [text, field] = needs[m[2]] ?? [m[2], null];
    return out(`The ${m[1] === 'sms' ? 'SMS' : m[1]} escalation cannot be sent. ${text}`, field ?? 'escalateTo');
  }
  if ((m = /^data\.locales\.([^.:]+): not a BCP 47 locale/.exec(original)))
    return out(`“${m[1]}” is not a language tag (e.g. zh-CN, en).`, 'locales');
  if ((m = /^data\.locales\.([^.:]+)\.(\w+): (.*)$/.exec(original))) {
    const v = /^unknown variable "(.+)"/.exec(m[3]);
    const name = `${m[1]} ${fieldNames[m[2]] ?? m[2]}`;
    return out(
      v ? `The ${name} uses “${v[1]}”, which is not a variable; pick one from “Insert variable”.` : `The ${name}: ${m[3]}`,
      'locales',
    );
  }
  if ((m = /^data\.template\.(\w+): (.*)$/.exec(original))) {
    const name = fieldNames[m[1]] ?? m[1];
    const problem = m[2];
    const v = /^unknown variable "(.+)"/.exec(problem);
    if (v) return out(`The ${name} uses “${v[1]}”, which is not a variable; pick one from “Insert variable”.`, m[1]);
    const h = /^unknown helper "(.+)"/.exec(problem);
    if (h) return out(`The ${name} uses “${h[1]}”, which is not a known helper (use if, unless, each, with, default).`, m[1]);
    if (/^does not compile/.test(problem))
      return out(`The ${name} has a broken {{ }} placeholder: ${problem.replace(/^does not compile: /, '')}`, m[1]);
    return out(`The ${name}: ${problem}`, m[1]);
  }
  if ((m = /^data\.split: percentages sum to (\d+), not 100/.exec(original)))
    return out(`The split adds up to ${m[1]} %; it must be 100 %.`, 'split');
  if ((m = /^data\.(?:branches|split): duplicate (?:branch|split) id "(.+)"/.exec(original)))
    return out(`Two paths are called “${m[1]}”: give each its own name.`, 'branches');
  if ((m = /^(data\.[\w.[\]]+): "(\w+)" on (.+) needs a value/.exec(original)))
    return out(`The rule on “${m[3]}” needs a value to compare with.`, fieldOfRule(m[1]));
  if ((m = /^(data\.[\w.[\]]+): "in" on (.+) needs an array value/.exec(original)))
    return out(`The rule on “${m[2]}” needs a list of values.`, fieldOfRule(m[1]));
  if ((m = /^data\.timezone: "(.*)" is not an IANA time zone/.exec(original)))
    return out(`“${m[1]}” is not a time zone (e.g. Europe/Paris, Asia/Shanghai).`, 'timezone');
  if ((m = /^data\.fallback: "(\w+)" is the primary channel/.exec(original)))
    return out(`The fallback ${m[1]} is the message's own channel; untick it.`, 'fallback');
  if ((m = /^(?:data\.)?(\w+) is required/.exec(original))) return out(`${capital(m[1])} is required.`, m[1]);
  if ((m = /^data\.(\w+)(?:[.[][^:]*)?: (.*)$/.exec(original))) return out(`${capital(m[1])}: ${m[2]}`, m[1]);
  return out(capital(original));
}

/** `data.rule.all[0]` → `rule`, `data.branches[1].rule…` → `branches`, `data.audience…` → `audience`. */
function fieldOfRule(path: string): string {
  return /^data\.(\w+)/.exec(path)?.[1] ?? 'rule';
}

function capital(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
