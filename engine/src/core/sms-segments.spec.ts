import { messageCostCents, smsSegments } from './sms-segments';

describe('smsSegments', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['Hello', 'GSM-7', 5, 1],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1], // extension characters take two septets
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['我'.repeat(70), 'UCS-2', 70, 1],
    ['我'.repeat(71), 'UCS-2', 71, 2],
    ['我'.repeat(134), 'UCS-2', 134, 2],
    ['我'.repeat(135), 'UCS-2', 135, 3],
    ['a'.repeat(100) + 'ł', 'UCS-2', 101, 2], // one non-GSM character makes the whole text UCS-2
    ['😀', 'UCS-2', 2, 1],
  ])('%j is %s with %i units in %i segments', (text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('a Chinese SMS of 71 characters costs two segments', () => {
    const { segments } = smsSegments('您'.repeat(71));
    expect(messageCostCents('sms', 5, segments)).toBe(10);
    expect(messageCostCents('push', 5, segments)).toBe(5);
  });
});
