import { holdoutSentence, quietHoursSentence, reentrySentence } from './flow-settings-words';

describe('flow settings in words', () => {
  it('says what the holdout does, and what having none costs', () => {
    expect(holdoutSentence(10)).toBe(
      '10 in every 100 people who enter get nothing, so you can see how many would have come back anyway (the lift).',
    );
    expect(holdoutSentence(0)).toMatch(/^Everyone who enters gets the messages; without a control group the lift/);
  });

  it.each`
    reentry                  | sentence
    ${undefined}             | ${'A contact goes through this flow once: after their journey ends they never enter it again.'}
    ${'never'}               | ${'A contact goes through this flow once: after their journey ends they never enter it again.'}
    ${{ cooldown: 'P30D' }}  | ${'A contact can enter again 30 days after their last journey here ended, never while one is still running.'}
    ${{ cooldown: 'PT12H' }} | ${'A contact can enter again 12 hours after their last journey here ended, never while one is still running.'}
  `('re-entry $reentry', ({ reentry, sentence }) => {
    expect(reentrySentence(reentry)).toBe(sentence);
  });

  it.each`
    choice                              | workspace                           | sentence
    ${'workspace'}                      | ${{ start: '21:00', end: '09:00' }} | ${"Messages wait while it is between 21:00 and 09:00 in the contact's time zone, like in other flows."}
    ${'workspace'}                      | ${null}                             | ${'The workspace has no quiet hours: messages go out at any hour, like in other flows.'}
    ${'workspace'}                      | ${undefined}                        | ${"Messages keep the workspace's quiet hours (Settings → Guardrails), like other flows."}
    ${'off'}                            | ${{ start: '21:00', end: '09:00' }} | ${"Messages go out at any hour, even at night, whatever the workspace's quiet hours: keep this for messages people expect at once."}
    ${{ start: '22:00', end: '07:00' }} | ${{ start: '21:00', end: '09:00' }} | ${"Messages of this flow wait while it is between 22:00 and 07:00 in the contact's time zone; other flows keep the workspace's hours."}
    ${{ start: '08:00', end: '08:00' }} | ${null}                             | ${'From and until are the same time: this window never holds a message.'}
  `('quiet hours $choice over the workspace’s $workspace', ({ choice, workspace, sentence }) => {
    expect(quietHoursSentence(choice, workspace)).toBe(sentence);
  });
});
