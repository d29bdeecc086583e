import { smsSegments } from './sms';

describe('smsSegments', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['你好'.repeat(35), 'UCS-2', 70, 1],
    ['你好'.repeat(36), 'UCS-2', 72, 2],
    ['Hi 👋', 'UCS-2', 5, 1],
  ])('%j', (text, encoding, characters, segments) => {
    expect(smsSegments(text)).toMatchObject({ encoding, characters, segments });
  });
});
