import { chooseChannel } from './choose-channel';

const all = { email: 'li@example.com', pushToken: 'tok', phone: '+86138' };

describe('chooseChannel', () => {
  it.each`
    case                                           | primary      | fallback            | consent               | attributes            | expected     | reasons
    ${'push with consent and token'}               | ${'push'}    | ${['email']}        | ${{ push: true }}     | ${all}                | ${'push'}    | ${[]}
    ${'push consent missing counts as yes'}        | ${'push'}    | ${[]}               | ${{}}                 | ${all}                | ${'push'}    | ${[]}
    ${'email consent missing counts as yes'}       | ${'email'}   | ${[]}               | ${{}}                 | ${all}                | ${'email'}   | ${[]}
    ${'sms consent missing counts as no'}          | ${'sms'}     | ${[]}               | ${{}}                 | ${all}                | ${null}      | ${['sms:no_consent']}
    ${'sms with explicit consent'}                 | ${'sms'}     | ${[]}               | ${{ sms: true }}      | ${all}                | ${'sms'}     | ${[]}
    ${'push refused → email fallback'}             | ${'push'}    | ${['email']}        | ${{ push: false }}    | ${all}                | ${'email'}   | ${['push:no_consent']}
    ${'no push token → email fallback'}            | ${'push'}    | ${['email']}        | ${{}}                 | ${{ email: 'a@b.c' }} | ${'email'}   | ${['push:no_address']}
    ${'blank address counts as none'}              | ${'email'}   | ${[]}               | ${{}}                 | ${{ email: '  ' }}    | ${null}      | ${['email:no_address']}
    ${'nothing works: every reason'}               | ${'push'}    | ${['email', 'sms']} | ${{ email: false }}   | ${{ phone: '+1' }}    | ${null}      | ${['push:no_address', 'email:no_consent', 'sms:no_consent']}
    ${'webhook needs neither consent nor address'} | ${'webhook'} | ${[]}               | ${{ webhook: false }} | ${{}}                 | ${'webhook'} | ${[]}
    ${'duplicate fallback is tried once'}          | ${'email'}   | ${['email']}        | ${{ email: false }}   | ${all}                | ${null}      | ${['email:no_consent']}
  `('$case', ({ primary, fallback, consent, attributes, expected, reasons }) => {
    const choice = chooseChannel(primary, fallback, consent, attributes);
    expect(choice.channel).toBe(expected);
    expect(choice.reasons.map((r) => `${r.channel}:${r.reason}`)).toEqual(reasons);
  });
});
