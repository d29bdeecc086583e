/**
 * What a message would look like for one contact, before any flow sends it: the same variant choice, rendering,
 * SMS segmentation and cost as the channel node, plus the variables the copy reads that this contact lacks (a
 * missing variable renders empty — the preview says so instead of letting "Hi ," go out). Pure.
 */
import {
  checkTemplate,
  missingChannelFields,
  renderContent,
  templateFields,
  templateFor,
  templatePaths,
  templateVariables,
  TemplateBudgetError,
} from './render';
import type { ChannelKind, MessageTemplate } from './schema';
import { messageCostCents, smsSegments, type SmsEncoding } from './sms-segments';
import type { EngineSettings, RenderedContent } from './types';

export interface PreviewInput {
  channel: ChannelKind;
  template: MessageTemplate;
  locales?: Record<string, MessageTemplate>;
  costCents?: number;
}

export interface PreviewContact {
  externalId: string;
  timezone: string;
  attributes: Record<string, unknown>;
}

export interface Preview {
  content: RenderedContent;
  /** the variant used (null: the node's own template) */
  locale: string | null;
  sms?: { encoding: SmsEncoding; characters: number; segments: number };
  costCents: number;
  missingVariables: string[];
  /** template problems (syntax, unknown helpers, a field the channel needs); nothing is rendered when present */
  problems: string[];
}

const reservedRoots = new Set(['contact', 'flow', 'links', 'message']);

export function previewMessage(
  input: PreviewInput,
  contact: PreviewContact,
  settings: Pick<EngineSettings, 'publicUrl' | 'channelCosts'>,
  context: { flow: { id: string; name: string }; messageId: string },
): Preview {
  const variant = templateFor(input.template, input.locales, contact.attributes.locale);
  const problems: string[] = [];
  const missingField = missingChannelFields(input.channel, variant.template);
  if (missingField) problems.push(missingField);
  for (const field of templateFields) {
    const source = variant.template[field];
    if (source !== undefined) for (const p of checkTemplate(source)) problems.push(`template.${field}: ${p}`);
  }
  const price = input.costCents ?? settings.channelCosts?.[input.channel] ?? 0;
  if (problems.length) return { content: {}, locale: variant.locale, costCents: 0, missingVariables: [], problems };

  const vars = templateVariables({
    externalId: contact.externalId,
    attributes: contact.attributes,
    flow: context.flow,
    messageId: context.messageId,
    publicUrl: settings.publicUrl,
    timezone: contact.timezone,
  });
  let content: RenderedContent;
  try {
    content = renderContent(input.channel, variant.template, vars);
  } catch (error) {
    // over the rendering budget: the preview says why, as the send would fail
    if (!(error instanceof TemplateBudgetError)) throw error;
    return { content: {}, locale: variant.locale, costCents: 0, missingVariables: [], problems: [error.message] };
  }
  const missing = new Set<string>();
  for (const field of templateFields) {
    const source = variant.template[field];
    if (source === undefined) continue;
    const defaulted = defaultedPaths(source);
    for (const path of templatePaths(source)) {
      if (defaulted.has(path)) continue; // `{{default company "your shop"}}` has its fallback: not missing
      const root = path.split('.')[0];
      if (reservedRoots.has(root) && !path.startsWith('contact.attributes.')) continue;
      if (isEmpty(lookup(vars, path))) missing.add(path);
    }
  }
  const sms = input.channel === 'sms' ? smsSegments(content.body ?? '') : undefined;
  return {
    content,
    locale: variant.locale,
    ...(sms ? { sms: { encoding: sms.encoding, characters: [...(content.body ?? '')].length, segments: sms.segments } } : {}),
    costCents: messageCostCents(input.channel, price, sms?.segments),
    missingVariables: [...missing].sort(),
    problems,
  };
}

function lookup(vars: Record<string, unknown>, path: string): unknown {
  let v: unknown = vars;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** Paths used as the first argument of the `default` helper (`{{default company "…"}}`, also as a sub-expression). */
function defaultedPaths(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/[{(]\s*default\s+([A-Za-z_][\w.]*)/g)) out.add(m[1]);
  return out;
}
