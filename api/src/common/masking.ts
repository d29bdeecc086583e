/**
 * Viewers see contacts and messages with phone numbers and e-mail addresses masked: enough to recognise a person
 * you already know (`l***@example.com`, `+86*******0000`), not enough to contact them.
 */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 4) return '***';
  return `${value.startsWith('+') ? '+' : ''}${digits.slice(0, 2)}${'*'.repeat(digits.length - 6 > 0 ? digits.length - 6 : 1)}${digits.slice(-4)}`;
}

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const phonePattern = /\+?\d[\d\s().-]{7,}\d/g;

/** Masks every e-mail address and phone number inside free text (rendered message bodies). */
export function maskText(text: string): string {
  return text.replace(emailPattern, maskEmail).replace(phonePattern, maskPhone);
}

/** Deep copy with `email`/`phone` keys masked and addresses inside other strings masked too. */
export function maskDeep<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key && /email/i.test(key)) return maskEmail(value);
    if (key && /phone/i.test(key)) return maskPhone(value);
    return maskText(value);
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, undefined));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  }
  return value;
}
