/**
 * Message templates: Handlebars on an isolated instance, rendering and static checks.
 *
 * Variables a template may use (decided; the editor lists them):
 * - any contact attribute at top level: `{{firstName}}`, `{{cart_items}}` (attributes are open-ended, so any simple
 *   identifier, or a dotted path into a nested attribute, is accepted; a missing one renders empty);
 * - `contact.externalId`, `contact.attributes.X` (any X), and `attributes.X` (alias);
 * - `flow.id`, `flow.name`;
 * - `links.unsubscribe`, `links.click`, `links.open` (tracking URLs of this message);
 * - `message.id`.
 * Other paths under the reserved roots `contact`, `flow`, `links`, `message` are errors (`contact.email` is a typo for
 * `contact.attributes.email` or `email`). Helpers: Handlebars' built-ins (if, unless, each, with, lookup) plus
 * `default` (`{{default firstName "there"}}`); any other helper, block or partial is an error.
 * Inside `#each`/`#with` blocks paths are relative to the item and are not checked.
 */
import Handlebars from 'handlebars';
import type { ChannelKind, MessageTemplate } from './schema';
import type { RenderedContent } from './types';

const hb = Handlebars.create();
hb.registerHelper('default', (value: unknown, fallback: unknown) =>
  value === undefined || value === null || value === '' ? fallback : value,
);

export const knownHelpers = ['if', 'unless', 'each', 'with', 'lookup', 'default'] as const;
const blockHelpers = new Set(['if', 'unless', 'each', 'with']);
const scopingHelpers = new Set(['each', 'with']);
const reservedRoots: Record<string, (rest: string[]) => boolean> = {
  contact: (rest) => (rest.length === 1 && rest[0] === 'externalId') || (rest[0] === 'attributes' && rest.length >= 2),
  flow: (rest) => rest.length === 1 && (rest[0] === 'id' || rest[0] === 'name'),
  links: (rest) => rest.length === 1 && ['unsubscribe', 'click', 'open'].includes(rest[0]),
  message: (rest) => rest.length === 1 && rest[0] === 'id',
};

export const templateFields = ['subject', 'html', 'text', 'title', 'body', 'url'] as const;
export type TemplateField = (typeof templateFields)[number];

/** Problems in one template string: syntax errors, unknown helpers, unknown reserved variables. */
export function checkTemplate(source: string): string[] {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
    hb.precompile(source, { knownHelpers: Object.fromEntries(knownHelpers.map((h) => [h, true])) });
  } catch (e) {
    return [`does not compile: ${firstLine(e)}`];
  }
  const problems: string[] = [];
  walkProgram(ast, 0, problems);
  return [...new Set(problems)];
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').filter((l) => l.trim() !== '').slice(0, 1).join(' ').slice(0, 200);
}

type Node = hbs.AST.Node & Record<string, any>;

function walkProgram(program: hbs.AST.Program | undefined, scopeDepth: number, problems: string[]): void {
  for (const stmt of program?.body ?? []) walkStatement(stmt as Node, scopeDepth, problems);
}

function walkStatement(node: Node, scopeDepth: number, problems: string[]): void {
  switch (node.type) {
    case 'MustacheStatement':
    case 'SubExpression': {
      const hasArgs = (node.params?.length ?? 0) > 0 || (node.hash?.pairs?.length ?? 0) > 0;
      if (hasArgs || node.type === 'SubExpression') checkHelper(node.path, problems);
      else checkExpression(node.path, scopeDepth, problems);
      walkArgs(node, scopeDepth, problems);
      return;
    }
    case 'BlockStatement': {
      const name = pathName(node.path);
      if (!name || !blockHelpers.has(name)) problems.push(`unknown block helper "${name ?? '?'}" (use if, unless, each, with)`);
      walkArgs(node, scopeDepth, problems);
      const inner = name && scopingHelpers.has(name) ? scopeDepth + 1 : scopeDepth;
      walkProgram(node.program, inner, problems);
      walkProgram(node.inverse, scopeDepth, problems);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
      problems.push('partials are not supported');
      return;
    case 'DecoratorBlock':
    case 'Decorator':
      problems.push('decorators are not supported');
      return;
    default:
      return; // content, comments
  }
}

function walkArgs(node: Node, scopeDepth: number, problems: string[]): void {
  for (const p of node.params ?? []) walkExpression(p as Node, scopeDepth, problems);
  for (const pair of node.hash?.pairs ?? []) walkExpression(pair.value as Node, scopeDepth, problems);
}

function walkExpression(expr: Node, scopeDepth: number, problems: string[]): void {
  if (expr.type === 'SubExpression') walkStatement(expr, scopeDepth, problems);
  else checkExpression(expr, scopeDepth, problems);
}

function pathName(path: Node): string | null {
  return path?.type === 'PathExpression' ? (path.original as string) : null;
}

function checkHelper(path: Node, problems: string[]): void {
  const name = pathName(path);
  if (!name || !(knownHelpers as readonly string[]).includes(name)) {
    problems.push(`unknown helper "${name ?? '?'}" (known: ${knownHelpers.join(', ')})`);
  }
}

function checkExpression(expr: Node, scopeDepth: number, problems: string[]): void {
  if (expr.type !== 'PathExpression') return; // literals
  if (expr.data) return; // @index, @root… are Handlebars' own
  if (scopeDepth > 0) return; // relative to an each/with item
  const parts = expr.parts as string[];
  if (parts.length === 0) return; // {{this}}
  const [root, ...rest] = parts;
  const check = reservedRoots[root];
  if (check && !check(rest)) problems.push(`unknown variable "${expr.original}"`);
}

// ------------------------------------------------------------------------------------------- content mapping

/**
 * The template fields a channel sends, filling gaps from the other fields so one template serves fallbacks:
 * email subject ← title, text ← body; push title ← subject, body ← text; sms body ← text ← title.
 */
export function contentForChannel(channel: ChannelKind, t: MessageTemplate): MessageTemplate {
  switch (channel) {
    case 'email': {
      const text = t.text ?? (t.html ? undefined : t.body);
      return strip({ subject: t.subject ?? t.title, html: t.html, text, url: t.url });
    }
    case 'push':
      return strip({ title: t.title ?? t.subject, body: t.body ?? t.text, url: t.url });
    case 'sms':
      return strip({ body: t.body ?? t.text ?? t.title });
    case 'webhook':
      return strip({ url: t.url, body: t.body });
  }
}

function strip(t: MessageTemplate): MessageTemplate {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined && v !== '')) as MessageTemplate;
}

/** What a channel needs from its content; the first missing requirement, or null. */
export function missingChannelFields(channel: ChannelKind, t: MessageTemplate): string | null {
  const c = contentForChannel(channel, t);
  switch (channel) {
    case 'email':
      if (!c.subject) return 'email needs template.subject';
      if (!c.html && !c.text) return 'email needs template.html or template.text';
      return null;
    case 'push':
      return c.title || c.body ? null : 'push needs template.title or template.body';
    case 'sms':
      return c.body ? null : 'sms needs template.body';
    case 'webhook':
      return c.url ? null : 'webhook needs template.url';
  }
}

// ------------------------------------------------------------------------------------------------ rendering

export interface TemplateVariables {
  [key: string]: unknown;
  contact: { externalId: string; attributes: Record<string, unknown> };
  attributes: Record<string, unknown>;
  flow: { id: string; name: string };
  links: { unsubscribe: string; click: string; open: string };
  message: { id: string };
}

export function templateVariables(input: {
  externalId: string;
  attributes: Record<string, unknown>;
  flow: { id: string; name: string };
  messageId: string;
  publicUrl: string;
}): TemplateVariables {
  const base = input.publicUrl.replace(/\/+$/, '');
  const id = encodeURIComponent(input.messageId);
  return {
    ...input.attributes,
    contact: { externalId: input.externalId, attributes: input.attributes },
    attributes: input.attributes,
    flow: input.flow,
    links: { unsubscribe: `${base}/t/u/${id}`, click: `${base}/t/c/${id}`, open: `${base}/t/o/${id}` },
    message: { id: input.messageId },
  };
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();
function compile(source: string, escape: boolean): Handlebars.TemplateDelegate {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = hb.compile(source, { noEscape: !escape });
    if (compiled.size > 2000) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
}

/** Renders the fields `channel` sends; html is escaped, other fields are plain text. Throws on a broken template. */
export function renderContent(channel: ChannelKind, template: MessageTemplate, vars: TemplateVariables): RenderedContent {
  const content = contentForChannel(channel, template);
  const out: RenderedContent = {};
  for (const field of templateFields) {
    const source = content[field];
    if (source !== undefined) out[field] = compile(source, field === 'html')(vars);
  }
  return out;
}
