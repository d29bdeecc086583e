/**
 * SMS segments as carriers count them: GSM-7 text fits 160 characters in one message and 153 per part when split;
 * anything outside GSM-7 (emoji, Chinese…) is UCS-2: 70, and 67 per part. Extension characters count double.
 */
const gsm7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const gsm7Extension = '^{}\\[~]|€';

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
  segments: number;
  perSegment: number;
}

export function smsSegments(text: string): SmsSegments {
  const chars = [...text];
  const isGsm = chars.every((c) => gsm7.includes(c) || gsm7Extension.includes(c));
  if (isGsm) {
    const length = chars.reduce((n, c) => n + (gsm7Extension.includes(c) ? 2 : 1), 0);
    const perSegment = length <= 160 ? 160 : 153;
    return { encoding: 'GSM-7', characters: length, segments: length === 0 ? 0 : Math.ceil(length / perSegment), perSegment };
  }
  const length = [...text].reduce((n, c) => n + (c.codePointAt(0)! > 0xffff ? 2 : 1), 0);
  const perSegment = length <= 70 ? 70 : 67;
  return { encoding: 'UCS-2', characters: length, segments: Math.ceil(length / perSegment), perSegment };
}
