/**
 * Channel addresses as they may be stored on a contact (issue 20), checked once at every way in (the contacts API,
 * CSV imports, and any ingestion added later: call these). An e-mail address is exactly one RFC 5322 addr-spec —
 * no display name, comment, list, group or line break — so one contact is one recipient whatever reaches the SMTP
 * envelope; a phone number is E.164 (`+` and 8–15 digits that libphonenumber-js finds possible for the country).
 */
import { parseOneAddress } from 'email-addresses';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Why `value` is not one plain e-mail address, or null. */
export function emailAddressProblem(value: string): string | null {
  if (/[\r\n]/.test(value)) return 'must be one e-mail address without line breaks';
  const parsed = parseOneAddress({ input: value, rfc6532: true });
  // the parse must be the whole value, unchanged: a display name, comment, quotes or spaces all alter it
  if (!parsed || parsed.type !== 'mailbox' || parsed.name !== null || parsed.address !== value) {
    return 'must be exactly one e-mail address like ann@example.com (no name, list, comment or spaces)';
  }
  if (parsed.domain.startsWith('[')) return 'must name a mail domain, not an IP address';
  return null;
}

/** Why `value` is not an E.164 phone number, or null; suggests the E.164 spelling when it can read the number. */
export function phoneNumberProblem(value: string): string | null {
  const parsed = /^\+\d/.test(value) ? parsePhoneNumberFromString(value) : undefined;
  if (/^\+[1-9]\d{1,14}$/.test(value) && parsed?.isPossible()) return null;
  const suggestion = parsed?.isPossible() ? ` (${parsed.number})` : '';
  return `must be an E.164 phone number like +14155550123${suggestion}`;
}
