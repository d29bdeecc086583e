/**
 * Handlebars helpers a copywriter expects, formatted for the contact: dates in the contact's time zone and locale,
 * numbers and money through `Intl`, `default`, `truncate`. Pure (Intl only; no clock): a helper given no value
 * renders empty instead of "now".
 *
 *   {{formatDate cartUpdatedAt}}                 → 2 Mar 2026 (contact's locale, zone)
 *   {{formatDate cartUpdatedAt "datetime"}}      date | datetime | time | long | weekday
 *   {{formatNumber points}}                      → 12,345 / 12 345 / 12,345
 *   {{formatCurrency coupon "CNY"}}              → ¥20.00 (currency code, else the `currency` attribute)
 *   {{default firstName "there"}}
 *   {{truncate productName 20}}                  → at most 20 characters, ending in …
 */
import type { HelperOptions } from 'handlebars';

export const helperNames = ['default', 'formatDate', 'formatNumber', 'formatCurrency', 'truncate'] as const;

/**
 * Marks the variables of a JSON webhook body, whose strings arrive JSON-escaped (`render.ts`): a helper that cuts a
 * string must cut the text, not its escape sequences, or a dangling backslash would shift the JSON's quotes.
 */
export const JSON_ESCAPED = Symbol('boomerang.jsonEscaped');

interface RootContact {
  contact?: { timezone?: string; locale?: string; attributes?: Record<string, unknown> };
}

const rootOf = (options: HelperOptions | undefined): RootContact => (options?.data?.root ?? {}) as RootContact;

/** A locale Intl accepts, from the contact's `locale` attribute; `en` otherwise. */
export function safeLocale(locale: unknown): string {
  if (typeof locale !== 'string' || !locale) return 'en';
  try {
    const [canonical] = Intl.getCanonicalLocales(locale.replace(/_/g, '-'));
    return canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length ? canonical : 'en';
  } catch {
    return 'en';
  }
}

function safeZone(zone: unknown): string {
  if (typeof zone !== 'string' || !zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

const dateStyles: Record<string, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { timeStyle: 'short' },
  long: { dateStyle: 'long' },
  weekday: { weekday: 'long' },
};

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** Handlebars passes its options object last; positional arguments before it may be missing. */
function split(args: unknown[]): { params: unknown[]; options: HelperOptions | undefined } {
  const last = args[args.length - 1] as HelperOptions | undefined;
  const isOptions = typeof last === 'object' && last !== null && 'data' in last && 'hash' in last;
  return { params: isOptions ? args.slice(0, -1) : args, options: isOptions ? last : undefined };
}

export const templateHelpers: Record<(typeof helperNames)[number], (...args: unknown[]) => unknown> = {
  default(...args) {
    const { params } = split(args);
    const [value, fallback] = params;
    return value === undefined || value === null || value === '' ? fallback : value;
  },
  formatDate(...args) {
    const { params, options } = split(args);
    const date = toDate(params[0]);
    if (!date) return '';
    const contact = rootOf(options).contact ?? {};
    const style = dateStyles[typeof params[1] === 'string' ? params[1] : 'date'] ?? dateStyles.date;
    return new Intl.DateTimeFormat(safeLocale(contact.locale), { ...style, timeZone: safeZone(contact.timezone) }).format(date);
  },
  formatNumber(...args) {
    const { params, options } = split(args);
    const n = toNumber(params[0]);
    if (n === null) return '';
    const digits = toNumber(params[1]);
    const contact = rootOf(options).contact ?? {};
    const fraction = digits === null ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return new Intl.NumberFormat(safeLocale(contact.locale), fraction).format(n);
  },
  formatCurrency(...args) {
    const { params, options } = split(args);
    const n = toNumber(params[0]);
    if (n === null) return '';
    const contact = rootOf(options).contact ?? {};
    const code = typeof params[1] === 'string' ? params[1] : contact.attributes?.currency;
    if (typeof code !== 'string' || !/^[A-Za-z]{3}$/.test(code)) return new Intl.NumberFormat(safeLocale(contact.locale)).format(n);
    return new Intl.NumberFormat(safeLocale(contact.locale), { style: 'currency', currency: code.toUpperCase() }).format(n);
  },
  truncate(...args) {
    const { params, options } = split(args);
    const escaped = (options?.data?.root as Record<symbol, unknown> | undefined)?.[JSON_ESCAPED] === true;
    const raw = params[0] === undefined || params[0] === null ? '' : String(params[0]);
    const text = escaped ? unescapeJson(raw) : raw;
    const cut = truncateText(text, params);
    return escaped ? JSON.stringify(cut).slice(1, -1) : cut;
  },
};

/** The text a JSON-escaped string stands for (as it sits between quotes); unchanged when it is not one. */
function unescapeJson(escaped: string): string {
  try {
    return JSON.parse(`"${escaped}"`) as string;
  } catch {
    return escaped;
  }
}

/** At most `params[1]` characters, ending in `params[2]` (default …) when cut. */
function truncateText(text: string, params: unknown[]): string {
  const max = toNumber(params[1]);
  if (max === null || max < 1) return text;
  const chars = [...text];
  if (chars.length <= max) return text;
  const suffix = typeof params[2] === 'string' ? params[2] : '…';
  return chars.slice(0, Math.max(0, max - [...suffix].length)).join('') + suffix;
}
