import { busiestHour, chooseSendHour } from './best-hour';

const hours = (entries: Record<number, number>) => Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

describe('chooseSendHour', () => {
  it.each`
    case                                     | contact                    | zone                 | time       | source
    ${'the contact’s busiest hour'}          | ${hours({ 20: 31, 8: 4 })} | ${hours({ 9: 500 })} | ${'20:00'} | ${'contact'}
    ${'a tie goes to the earlier hour'}      | ${hours({ 8: 6, 21: 6 })}  | ${hours({})}         | ${'08:00'} | ${'contact'}
    ${'too few events: the zone’s hour'}     | ${hours({ 20: 4 })}        | ${hours({ 13: 80 })} | ${'13:00'} | ${'zone'}
    ${'too little everywhere: the fallback'} | ${hours({ 20: 1 })}        | ${hours({ 13: 10 })} | ${'10:30'} | ${'fallback'}
    ${'no histogram at all'}                 | ${undefined}               | ${undefined}         | ${'10:30'} | ${'fallback'}
  `('$case', ({ contact, zone, time, source }) => {
    const choice = chooseSendHour(contact || zone ? { contact: contact ?? [], zone: zone ?? [] } : undefined, '10:30');
    expect(choice).toMatchObject({ time, source });
  });

  it('explains itself in plain words', () => {
    expect(chooseSendHour({ contact: hours({ 20: 31 }), zone: [] }, '10:00').explanation).toBe(
      'usually active around 20:00, from 31 activity events in the last 8 weeks',
    );
  });

  it('ignores malformed histograms', () => {
    expect(busiestHour([1, 2, 3])).toBeNull();
    expect(busiestHour(hours({}))).toBeNull();
  });
});
