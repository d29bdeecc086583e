/**
 * SMS segments (3GPP TS 23.038 / 23.040). A message whose every character is in the GSM 03.38 default alphabet is
 * GSM-7: 160 characters in one segment, 153 per segment when concatenated (the UDH takes 7); characters of the
 * extension table (`^{}\[~]|€`) take two. Anything else (Chinese, emoji, most accents) makes the whole message
 * UCS-2: 70 UTF-16 units in one segment, 67 when concatenated. Pure; the SMS adapter and the cost both use it.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '\f^{}\\[~]|€';
const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** septets (GSM-7) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
}

export function smsSegments(text: string): SmsSegments {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (basic.has(ch)) septets += 1;
    else if (extended.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: septets, segments: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length; // UTF-16 code units: an emoji takes two
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Cost in integer cents: SMS per segment (at least one), other channels per message. */
export function messageCostCents(channel: string, perMessageCents: number, segments: number | undefined): number {
  if (channel === 'sms') return perMessageCents * Math.max(1, segments ?? 1);
  return perMessageCents;
}
