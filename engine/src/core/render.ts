/**
 * Message templates: Handlebars on an isolated instance, rendering and static checks.
 *
 * Variables a template may use (decided; the editor lists them):
 * - any contact attribute at top level: `{{firstName}}`, `{{cart_items}}` (attributes are open-ended, so any simple
 *   identifier, or a dotted path into a nested attribute, is accepted; a missing one renders empty);
 * - `contact.externalId`, `contact.timezone`, `contact.locale`, `contact.attributes.X` (any X), and `attributes.X`
 *   (alias);
 * - `flow.id`, `flow.name`;
 * - `links.unsubscribe`, `links.click`, `links.open`, `links.preferences` (tracking URLs of this message; the last is
 *   the contact's subscription preference page; it and the unsubscribe link carry a signed token, `link-token.ts`);
 * - `message.id`.
 * Other paths under the reserved roots `contact`, `flow`, `links`, `message` are errors (`contact.email` is a typo for
 * `contact.attributes.email` or `email`). Helpers: Handlebars' built-ins (if, unless, each, with, lookup) plus
 * `default`, `formatDate`, `formatNumber`, `formatCurrency`, `truncate` (`template-helpers.ts`); any other helper,
 * block or partial is an error. Per-locale variants (`locales` on a channel node) are picked by `templateFor`.
 * Inside `#each`/`#with` blocks paths are relative to the item and are not checked.
 */
import Handlebars from 'handlebars';
import { pickLocale } from './locale';
import type { ChannelKind, MessageTemplate } from './schema';
import { helperNames, JSON_ESCAPED, templateHelpers } from './template-helpers';
import type { RenderedContent } from './types';

const hb = Handlebars.create();
for (const name of helperNames) hb.registerHelper(name, templateHelpers[name]);

// ------------------------------------------------------------------------------------------------ the budget

/**
 * What one rendering of one field may cost (issue 20): Handlebars is synchronous, so a hostile template
 * (`{{#each a}}{{#each ../a}}{{#each ../../a}}…` over a long attribute) would hold the process for as long as it
 * likes. Loops are the only multiplier (no partials, no custom block helpers), so the budget counts loop iterations
 * and the characters they produce, inside the render, and stops it the moment either runs out.
 */
export const renderBudget = { iterations: 10_000, characters: 1_000_000, nestedLoops: 2 } as const;

/** A rendering stopped by the budget; its message is the plain reason a message or preview fails with. */
export class TemplateBudgetError extends Error {
  readonly code = 'template.budget';
}

/** The budget of the rendering in progress (rendering is synchronous, so one at a time per process). */
let spending: { iterations: number; characters: number } | null = null;

function spend(characters: number): void {
  if (!spending) return;
  spending.iterations += 1;
  spending.characters += characters;
  if (spending.iterations > renderBudget.iterations) {
    throw new TemplateBudgetError(`the template exceeds its rendering budget: more than ${renderBudget.iterations} loop iterations`);
  }
  if (spending.characters > renderBudget.characters) {
    throw new TemplateBudgetError(`the template exceeds its rendering budget: more than ${renderBudget.characters} characters`);
  }
}

/** Handlebars' own `each`, with every iteration (and what it writes) charged to the budget. */
const builtinEach = hb.helpers.each as (this: unknown, context: unknown, options: Handlebars.HelperOptions) => string;
hb.registerHelper('each', function countedEach(this: unknown, context: unknown, options: Handlebars.HelperOptions) {
  const fn = options.fn;
  const counted = (item: unknown, opts?: Handlebars.RuntimeOptions) => {
    const out = fn(item, opts);
    spend(out.length);
    return out;
  };
  return builtinEach.call(this, context, { ...options, fn: Object.assign(counted, fn) });
});

/** Runs one rendering under a fresh budget; the final output is held to it too. */
function withinBudget(render: () => string): string {
  spending = { iterations: 0, characters: 0 };
  try {
    const out = render();
    if (out.length > renderBudget.characters) {
      throw new TemplateBudgetError(`the template exceeds its rendering budget: more than ${renderBudget.characters} characters`);
    }
    return out;
  } catch (error) {
    // a string past V8's limit is the same story: too much output
    if (error instanceof RangeError) {
      throw new TemplateBudgetError(`the template exceeds its rendering budget: more than ${renderBudget.characters} characters`);
    }
    throw error;
  } finally {
    spending = null;
  }
}

/**
 * Outside loops (which the budget counts as they run), output is the template's text plus what its variables
 * print. A template repeating a long attribute thousands of times (`{{bio}}{{bio}}…`) would build and, in html,
 * escape hundreds of megabytes before the final check: so the most those variables can print is added up from the
 * template and the contact before anything renders. A variable it cannot resolve here (inside `with`, `this`,
 * `../`) counts as the longest string the contact has.
 */
function assertOutputBound(source: string, vars: Record<string, unknown>): void {
  if (source.length + printedBound(parsed(source), vars) > renderBudget.characters) {
    throw new TemplateBudgetError(`the template exceeds its rendering budget: more than ${renderBudget.characters} characters`);
  }
}

const asts = new Map<string, hbs.AST.Program>();
function parsed(source: string): hbs.AST.Program {
  let ast = asts.get(source);
  if (!ast) {
    ast = hb.parse(source);
    if (asts.size > 2000) asts.clear();
    asts.set(source, ast);
  }
  return ast;
}

function printedBound(program: hbs.AST.Program | undefined, vars: Record<string, unknown>, scoped = false): number {
  let total = 0;
  for (const stmt of (program?.body ?? []) as Node[]) {
    if (stmt.type === 'MustacheStatement') {
      const exprs = [stmt.path, ...(stmt.params ?? []), ...(stmt.hash?.pairs ?? []).map((p: Node) => p.value)] as Node[];
      // a helper prints at most its arguments (default, truncate) or a short formatted value
      total += Math.max(0, ...exprs.map((e) => printedLength(e, vars, scoped))) + (exprs.length > 1 ? 100 : 0);
    } else if (stmt.type === 'BlockStatement') {
      const name = pathName(stmt.path);
      // each: counted as it runs; with: its body reads another scope
      if (name !== 'each') total += printedBound(stmt.program, vars, scoped || name === 'with');
      total += printedBound(stmt.inverse, vars, scoped);
    }
  }
  return total;
}

function printedLength(expr: Node, vars: Record<string, unknown>, scoped: boolean): number {
  if (expr.type === 'StringLiteral') return String(expr.value).length;
  if (expr.type !== 'PathExpression') return 30;
  const resolvable = !scoped && !expr.data && expr.depth === 0 && expr.parts.length > 0 && expr.original !== 'this';
  if (!resolvable) return longestString(vars);
  let v: unknown = vars;
  for (const part of expr.parts as string[]) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' ? v.length : 30;
}

/** The longest string anywhere in the variables (cached per variables object: one contact, many fields). */
const longest = new WeakMap<object, number>();
function longestString(vars: Record<string, unknown>): number {
  const known = longest.get(vars);
  if (known !== undefined) return known;
  let max = 0;
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') max = Math.max(max, v.length);
    else if (v && typeof v === 'object' && depth < 64) for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(vars, 0);
  longest.set(vars, max);
  return max;
}

export const knownHelpers = ['if', 'unless', 'each', 'with', 'lookup', ...helperNames] as const;
const blockHelpers = new Set(['if', 'unless', 'each', 'with']);
const scopingHelpers = new Set(['each', 'with']);
const reservedRoots: Record<string, (rest: string[]) => boolean> = {
  contact: (rest) =>
    (rest.length === 1 && ['externalId', 'timezone', 'locale'].includes(rest[0])) || (rest[0] === 'attributes' && rest.length >= 2),
  flow: (rest) => rest.length === 1 && (rest[0] === 'id' || rest[0] === 'name'),
  links: (rest) => rest.length === 1 && ['unsubscribe', 'click', 'open', 'preferences'].includes(rest[0]),
  message: (rest) => rest.length === 1 && rest[0] === 'id',
};

export const templateFields = ['subject', 'html', 'text', 'title', 'body', 'url'] as const;
export type TemplateField = (typeof templateFields)[number];

/** A problem in a template string: what kind, the name it is about (helper, variable), and the words. */
export interface TemplateProblem {
  code: 'compile' | 'blockHelper' | 'partial' | 'decorator' | 'helper' | 'variable' | 'budget';
  name?: string;
  /** the compiler's own words, for `compile` */
  detail?: string;
  message: string;
}

/** Problems in one template string: syntax errors, unknown helpers, unknown reserved variables. */
export function templateProblems(source: string): TemplateProblem[] {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
    hb.precompile(source, { knownHelpers: Object.fromEntries(knownHelpers.map((h) => [h, true])) });
  } catch (e) {
    const detail = firstLine(e);
    return [{ code: 'compile', detail, message: `does not compile: ${detail}` }];
  }
  const problems: TemplateProblem[] = [];
  walkProgram(ast, 0, problems);
  return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
}

/** The words of `templateProblems`. */
export function checkTemplate(source: string): string[] {
  return templateProblems(source).map((p) => p.message);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 1)
    .join(' ')
    .slice(0, 200);
}

type Node = hbs.AST.Node & Record<string, any>;

function walkProgram(program: hbs.AST.Program | undefined, scopeDepth: number, problems: TemplateProblem[], loops = 0): void {
  for (const stmt of program?.body ?? []) walkStatement(stmt as Node, scopeDepth, problems, loops);
}

function walkStatement(node: Node, scopeDepth: number, problems: TemplateProblem[], loops = 0): void {
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
      if (!name || !blockHelpers.has(name))
        problems.push({
          code: 'blockHelper',
          name: name ?? '?',
          message: `unknown block helper "${name ?? '?'}" (use if, unless, each, with)`,
        });
      walkArgs(node, scopeDepth, problems);
      const inner = name && scopingHelpers.has(name) ? scopeDepth + 1 : scopeDepth;
      const innerLoops = name === 'each' ? loops + 1 : loops;
      // nested loops multiply: the budget bounds a render, this refuses the shape before anything renders
      if (name === 'each' && innerLoops === renderBudget.nestedLoops + 1) {
        problems.push({
          code: 'budget',
          name: 'each',
          message: `loops nest ${innerLoops} deep; at most ${renderBudget.nestedLoops} "each" blocks may nest (the rendering budget)`,
        });
      }
      walkProgram(node.program, inner, problems, innerLoops);
      walkProgram(node.inverse, scopeDepth, problems, loops);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
      problems.push({ code: 'partial', message: 'partials are not supported' });
      return;
    case 'DecoratorBlock':
    case 'Decorator':
      problems.push({ code: 'decorator', message: 'decorators are not supported' });
      return;
    default:
      return; // content, comments
  }
}

function walkArgs(node: Node, scopeDepth: number, problems: TemplateProblem[]): void {
  for (const p of node.params ?? []) walkExpression(p as Node, scopeDepth, problems);
  for (const pair of node.hash?.pairs ?? []) walkExpression(pair.value as Node, scopeDepth, problems);
}

function walkExpression(expr: Node, scopeDepth: number, problems: TemplateProblem[]): void {
  if (expr.type === 'SubExpression') walkStatement(expr, scopeDepth, problems);
  else checkExpression(expr, scopeDepth, problems);
}

function pathName(path: Node): string | null {
  return path?.type === 'PathExpression' ? (path.original as string) : null;
}

function checkHelper(path: Node, problems: TemplateProblem[]): void {
  const name = pathName(path);
  if (!name || !(knownHelpers as readonly string[]).includes(name)) {
    problems.push({ code: 'helper', name: name ?? '?', message: `unknown helper "${name ?? '?'}" (known: ${knownHelpers.join(', ')})` });
  }
}

function checkExpression(expr: Node, scopeDepth: number, problems: TemplateProblem[]): void {
  if (expr.type !== 'PathExpression') return; // literals
  if (expr.data) return; // @index, @root… are Handlebars' own
  if (scopeDepth > 0) return; // relative to an each/with item
  const parts = expr.parts as string[];
  if (parts.length === 0) return; // {{this}}
  const [root, ...rest] = parts;
  // own keys only: `{{__proto__}}`, `{{constructor}}` or `{{hasOwnProperty}}` must not pick up Object.prototype's
  const check = Object.hasOwn(reservedRoots, root) ? reservedRoots[root] : undefined;
  if (check && !check(rest)) problems.push({ code: 'variable', name: expr.original, message: `unknown variable "${expr.original}"` });
}

// ------------------------------------------------------------------------------------------- content mapping

/**
 * The template fields a channel sends (plus `url`, the click destination `/t/c/:id` redirects to), filling gaps from
 * the other fields so one template serves fallbacks:
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
      // url is not sent: it is where the message's {{links.click}} redirects
      return strip({ body: t.body ?? t.text ?? t.title, url: t.url });
    case 'webhook':
      return strip({ url: t.url, body: t.body });
  }
}

function strip(t: MessageTemplate): MessageTemplate {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined && v !== '')) as MessageTemplate;
}

/**
 * The first template field a channel needs and its content lacks, or null: email `subject`, then a body (`html`,
 * or `text`); push `title` (or `body`); sms `body`; webhook `url`.
 */
export function missingChannelField(channel: ChannelKind, t: MessageTemplate): TemplateField | null {
  const c = contentForChannel(channel, t);
  switch (channel) {
    case 'email':
      return !c.subject ? 'subject' : !c.html && !c.text ? 'html' : null;
    case 'push':
      return c.title || c.body ? null : 'title';
    case 'sms':
      return c.body ? null : 'body';
    case 'webhook':
      return c.url ? null : 'url';
  }
}

const neededWords: Record<TemplateField, string> = {
  subject: 'template.subject',
  html: 'template.html or template.text',
  text: 'template.html or template.text',
  title: 'template.title or template.body',
  body: 'template.body',
  url: 'template.url',
};

/** What a channel needs from its content; the first missing requirement in words, or null. */
export function missingChannelFields(channel: ChannelKind, t: MessageTemplate): string | null {
  const field = missingChannelField(channel, t);
  return field ? `${channel} needs ${neededWords[field]}` : null;
}

// ------------------------------------------------------------------------------------------------ rendering

export interface TemplateVariables {
  [key: string]: unknown;
  contact: { externalId: string; timezone: string; locale: string | null; attributes: Record<string, unknown> };
  attributes: Record<string, unknown>;
  flow: { id: string; name: string };
  links: { unsubscribe: string; click: string; open: string; preferences: string };
  message: { id: string };
}

export function templateVariables(input: {
  externalId: string;
  attributes: Record<string, unknown>;
  flow: { id: string; name: string };
  messageId: string;
  /** the signed token of the unsubscribe and preference links (`link-token.ts`); a preview has none and shows the id */
  linkToken?: string;
  publicUrl: string;
  /** the contact's IANA zone (dates render in it); UTC when absent */
  timezone?: string;
}): TemplateVariables {
  const base = input.publicUrl.replace(/\/+$/, '');
  const id = encodeURIComponent(input.messageId);
  const token = encodeURIComponent(input.linkToken ?? input.messageId);
  return {
    ...input.attributes,
    contact: {
      externalId: input.externalId,
      timezone: input.timezone ?? 'UTC',
      locale: typeof input.attributes.locale === 'string' ? input.attributes.locale : null,
      attributes: input.attributes,
    },
    attributes: input.attributes,
    flow: input.flow,
    links: {
      unsubscribe: `${base}/t/u/${token}`,
      click: `${base}/t/c/${id}`,
      open: `${base}/t/o/${id}`,
      preferences: `${base}/t/p/${token}`,
    },
    message: { id: input.messageId },
  };
}

/**
 * The template for a contact: the variant of `locales` on the contact's locale fallback chain (`zh-Hant-TW` →
 * `zh-Hant` → `zh`), merged over the node's own template (a variant may override only some fields); else the
 * node's template. Returns which variant was used (null = the node's own).
 */
export function templateFor(
  base: MessageTemplate,
  locales: Record<string, MessageTemplate> | undefined,
  locale: unknown,
): { template: MessageTemplate; locale: string | null } {
  if (!locales) return { template: base, locale: null };
  const picked = pickLocale(typeof locale === 'string' ? locale : null, Object.keys(locales));
  return picked ? { template: { ...base, ...locales[picked] }, locale: picked } : { template: base, locale: null };
}

/** Every variable path a template reads at top level (for "missing variable" reports in previews). */
export function templatePaths(source: string): string[] {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch {
    return [];
  }
  const paths = new Set<string>();
  const visit = (node: Node, depth: number): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'PathExpression') {
      if (!node.data && depth === 0 && (node.parts as string[]).length) paths.add((node.parts as string[]).join('.'));
      return;
    }
    if (node.type === 'BlockStatement') {
      const name = pathName(node.path);
      for (const p of node.params ?? []) visit(p, depth);
      const inner = name && scopingHelpers.has(name) ? depth + 1 : depth;
      for (const st of node.program?.body ?? []) visit(st, inner);
      for (const st of node.inverse?.body ?? []) visit(st, depth);
      return;
    }
    if (node.type === 'MustacheStatement' || node.type === 'SubExpression') {
      const hasArgs = (node.params?.length ?? 0) > 0 || (node.hash?.pairs?.length ?? 0) > 0;
      if (!hasArgs && node.type === 'MustacheStatement') visit(node.path, depth);
      for (const p of node.params ?? []) visit(p, depth);
      for (const pair of node.hash?.pairs ?? []) visit(pair.value, depth);
    }
  };
  for (const st of ast.body) visit(st as Node, 0);
  return [...paths];
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

/**
 * Renders the fields `channel` sends; html is escaped, other fields are plain text, and a webhook body that is JSON
 * is rendered as JSON (`jsonVariables`). Each field renders within `renderBudget`. Throws on a broken template and
 * with a `TemplateBudgetError` over the budget.
 */
export function renderContent(channel: ChannelKind, template: MessageTemplate, vars: TemplateVariables): RenderedContent {
  const content = contentForChannel(channel, template);
  const out: RenderedContent = {};
  for (const field of templateFields) {
    const source = content[field];
    if (source === undefined) continue;
    const json = channel === 'webhook' && field === 'body' && looksLikeJson(source);
    const fieldVars = json ? jsonVariables(vars) : vars;
    try {
      assertOutputBound(source, fieldVars);
      out[field] = withinBudget(() => compile(source, field === 'html')(fieldVars));
    } catch (error) {
      if (error instanceof TemplateBudgetError) throw new TemplateBudgetError(`template.${field}: ${error.message}`);
      throw error;
    }
  }
  return out;
}

/** A webhook body template written as a JSON object or array. */
function looksLikeJson(source: string): boolean {
  return /^\s*[{[]/.test(source);
}

/**
 * The variables of a JSON body: every string is JSON-escaped (quotes, backslashes, control characters), so
 * `"{{firstName}}"` carries the attribute as one intact string value whatever it contains — an attribute can never
 * close the string it sits in and add keys of its own (issue 20: `Eve","admin":true,"x":"`). Numbers and booleans
 * stay themselves.
 */
export function jsonVariables(vars: TemplateVariables): TemplateVariables {
  const out = jsonEscaped(vars) as TemplateVariables;
  // helpers that cut strings read this mark (template-helpers.ts)
  Object.defineProperty(out, JSON_ESCAPED, { value: true, enumerable: false });
  return out;
}

function jsonEscaped(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => jsonEscaped(v, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(value)) out[key] = jsonEscaped(v, depth + 1);
  return out;
}
