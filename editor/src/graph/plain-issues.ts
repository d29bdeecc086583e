/**
 * Validation messages in the marketer's words, each pointing at the form field it is about. The engine's
 * `validateFlow` (and the server, which runs the same function) gives every issue a machine `code`, the `field` inside
 * the node's data and the `params` its words are made of ("duration.notPositive", "waitFor.timeout", {value: "P0D"});
 * the editor words each code here: "The longest wait for the event must be more than zero." next to its picker.
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

type Params = Record<string, unknown>;
/** The words and the form field, or null when the code's params do not fit (the generic wording is used). */
type Wording = (p: Params, issue: ValidationIssue) => [text: string, field: string | null] | null;

const fieldNames: Record<string, string> = {
  subject: 'subject',
  html: 'HTML body',
  text: 'plain-text body',
  title: 'title',
  body: 'text',
  url: 'link',
};

/** What a channel lacks, by the template field it needs (engine `missingChannelField`). */
const needs: Record<string, string> = {
  subject: 'An email needs a subject.',
  html: 'An email needs a body (HTML or plain text).',
  title: 'A push needs a title or a text.',
  body: 'An SMS needs a text.',
  url: 'A webhook needs a URL.',
};

/** The duration fields by their path in the data: what they are called and their form field. */
const durationWhat: Record<string, [string, string]> = {
  duration: ['Wait time', 'duration'],
  'waitFor.timeout': ['The longest wait for the event', 'timeout'],
  'reentry.cooldown': ['The re-entry cooldown', 'cooldown'],
  maxAge: ['The age limit of events', 'maxAge'],
  'escalate.after': ['The wait before escalating', 'escalateAfter'],
};

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));
const channelName = (c: unknown): string => (c === 'sms' ? 'SMS' : str(c));

function durationWords(zero: boolean): Wording {
  return (p, { field }) => {
    if (field && /\.within$/.test(field)) return ['The time window of an event rule must be more than zero.', topField(field)];
    const what = field ? durationWhat[field] : undefined;
    if (!what) return null;
    return zero
      ? [`${what[0]} must be more than zero.`, what[1]]
      : [`${what[0]} “${str(p.value)}” is not a length of time: pick a number and a unit.`, what[1]];
  };
}

/** A channel that cannot be sent (fallback, escalation hop): the template field it needs, in words. */
function cannotSend(what: string): Wording {
  return (p) => [`The ${channelName(p.channel)} ${what} cannot be sent. ${needs[str(p.needs)] ?? ''}`.trim(), str(p.needs)];
}

/** A problem in a template field (or a locale's variant of it), about that field (or the languages list). */
function templateWords(problem: (p: Params) => string): Wording {
  return (p) => {
    const field = str(p.templateField);
    const name = `${p.locale ? `${str(p.locale)} ` : ''}${fieldNames[field] ?? field}`;
    return [`The ${name}${problem(p)}`, p.locale ? 'locales' : field];
  };
}

const pathNamed = (p: Params) => `: ${str(p.problem)}`;

const wordings: Record<string, Wording> = {
  'duration.notPositive': durationWords(true),
  'duration.invalid': durationWords(false),
  'handle.unconnected': (p) => [`The “${handleLabel(str(p.handle))}” exit is not connected: journeys that take it end here.`, null],
  'handle.taken': (p) => [`The “${handleLabel(str(p.handle))}” exit has two connections; keep one.`, null],
  'node.unreachable': () => ['Nothing leads to this step: connect an earlier step to it, or delete it.', null],
  'flow.noTrigger': () => ['The flow needs a trigger: add one from the palette.', null],
  'trigger.extra': () => ['A flow has one trigger: delete this one.', null],
  'cycle.noDelay': (p) => [`These steps loop without waiting (${str(p.path)}): put a delay in the loop.`, null],
  'template.missingField': (p) => (needs[str(p.needs)] ? [needs[str(p.needs)], str(p.needs)] : null),
  'fallback.missingField': cannotSend('fallback'),
  'escalate.missingField': cannotSend('escalation'),
  'locale.missingField': (p) => [`The ${str(p.locale)} version cannot be sent. ${needs[str(p.needs)] ?? ''}`.trim(), 'locales'],
  'locale.invalid': (p) => [`“${str(p.locale)}” is not a language tag (e.g. zh-CN, en).`, 'locales'],
  'template.variable': templateWords((p) => ` uses “${str(p.name)}”, which is not a variable; pick one from “Insert variable”.`),
  'template.helper': templateWords((p) => ` uses “${str(p.name)}”, which is not a known helper (use if, unless, each, with, default).`),
  'template.compile': templateWords((p) => ` has a broken {{ }} placeholder: ${str(p.detail)}`),
  'template.blockHelper': templateWords(pathNamed),
  'template.partial': templateWords(pathNamed),
  'template.decorator': templateWords(pathNamed),
  'split.sum': (p) => [`The split adds up to ${str(p.sum)} %; it must be 100 %.`, 'split'],
  'split.duplicateId': (p) => [`Two paths are called “${str(p.id)}”: give each its own name.`, 'branches'],
  'branches.duplicateId': (p) => [`Two paths are called “${str(p.id)}”: give each its own name.`, 'branches'],
  'rule.needsValue': (p, { field }) => [`The rule on “${str(p.attribute)}” needs a value to compare with.`, topField(field)],
  'rule.needsList': (p, { field }) => [`The rule on “${str(p.attribute)}” needs a list of values.`, topField(field)],
  'timezone.invalid': (p) => [`“${str(p.value)}” is not a time zone (e.g. Europe/Paris, Asia/Shanghai).`, 'timezone'],
  'fallback.isPrimary': (p) => [`The fallback ${str(p.channel)} is the message's own channel; untick it.`, 'fallback'],
  'schema.required': (p, { field, edgeId }) => {
    const path = field ?? str(p.path);
    return edgeId ? null : [`${capital(path)} is required.`, topField(path)];
  },
};

export function plainIssue(issue: ValidationIssue): PlainIssue {
  const [text, field] = wordings[issue.code]?.(issue.params ?? {}, issue) ?? generic(issue);
  return { nodeId: issue.nodeId, field, text, original: issue.message };
}

/** A code without words of its own: the engine's words, about the data's top-level field when there is one. */
function generic({ field, message, edgeId }: ValidationIssue): [string, string | null] {
  if (!field || edgeId) return [capital(message), null];
  // a field of an e-mail builder block: about that block's own field (the builder shows it there)
  const block = /^(?:template|locales\.[^.]+)\.blocks\[(\d+)\]\.(\w+)/.exec(field);
  if (block) return [`Block ${Number(block[1]) + 1}: ${message.replace(/^data\.[^:]*: /, '')}`, `blocks[${block[1]}].${block[2]}`];
  const top = topField(field);
  return [`${capital(top)}: ${message.replace(/^data\.[^:]*: /, '')}`, top];
}

/** `rule.all[0]` → `rule`, `branches[1].rule…` → `branches`, `audience…` → `audience`: the form field of a path. */
function topField(path: string | undefined): string {
  return /^\w+/.exec(path ?? '')?.[0] ?? 'rule';
}

function capital(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
