import { advance } from './advance';
import { settingsForFlow } from './guardrails/quiet-hours';
import type { FlowGraphDocument } from './schema';
import { at, contact, event, newJourney, noGuardrails, sent } from './testing/fixtures';
import { branches, delay, email, flow, goal, push, split, until, waitFor, webhook, when } from './testing/flow-builder';
import type { AdvanceResult, ContactFacts, EngineSettings, JourneySnapshot, LogEffect, SendEffect } from './types';
import { defaultEngineSettings } from './types';

const logs = (r: AdvanceResult) => r.effects.filter((e): e is LogEffect => e.type === 'log');
const kinds = (r: AdvanceResult) => logs(r).map((e) => `${e.nodeId}:${e.kind}`);
const sends = (r: AdvanceResult) => r.effects.filter((e): e is SendEffect => e.type === 'send');
const step = (j: JourneySnapshot, g: FlowGraphDocument, facts: ContactFacts, now: string, settings: EngineSettings = noGuardrails) =>
  advance(j, g, facts, at(now), settings, { id: 'f1', name: 'Test flow' });

describe('advance', () => {
  //   t → push → (end)
  const simple = flow().trigger('t').then('push', push('Hi {{firstName}}')).build();

  it('enters at the trigger, sends, and completes at an unconnected handle', () => {
    const r = step(newJourney(), simple, contact(), '2026-01-05T12:00:00Z');
    expect(kinds(r)).toEqual(['t:entered', 'push:message', 'push:completed']);
    expect(r.journey).toMatchObject({ state: 'completed', currentNodeId: 'push', stepSeq: 2, wait: null, nextRunAt: null });
    expect(r.journey.context.visits).toEqual({ t: 1, push: 1 });
    expect(sends(r)).toEqual([
      expect.objectContaining({
        idempotencyKey: 'j1:2',
        channel: 'push',
        nodeId: 'push',
        content: { title: 'Hi Li', body: 'Hi Li (body)' },
      }),
    ]);
    expect(logs(r).at(-1)?.detail).toEqual({ reason: 'unconnected handle', handle: 'out' });
  });

  it('leaves ended journeys alone', () => {
    const done = newJourney({ state: 'completed' });
    expect(step(done, simple, contact(), '2026-01-05T12:00:00Z')).toEqual({ journey: done, effects: [] });
  });

  it('does not mutate its input', () => {
    const j = newJourney();
    const copy = structuredClone(j);
    step(j, simple, contact(), '2026-01-05T12:00:00Z');
    expect(j).toEqual(copy);
  });

  describe('delays', () => {
    //   t → wait(P1D) → push
    const g = flow().trigger('t').then('wait', delay('P1D')).then('push', push('Later')).build();

    it('waits, stays idempotent when woken early, and continues when due', () => {
      const facts = contact({ timezone: 'America/New_York' });
      const r1 = step(newJourney(), g, facts, '2026-03-07T15:00:00Z');
      expect(r1.journey).toMatchObject({
        state: 'waiting',
        currentNodeId: 'wait',
        wait: { kind: 'delay', until: '2026-03-08T14:00:00.000Z' }, // a calendar day across spring forward
        nextRunAt: at('2026-03-08T14:00:00.000Z'),
      });
      const early = step(r1.journey, g, facts, '2026-03-08T13:59:59Z');
      expect(early.effects).toEqual([]);
      expect(early.journey).toEqual(r1.journey);
      const due = step(r1.journey, g, facts, '2026-03-08T14:00:00Z');
      expect(kinds(due)).toEqual(['wait:resumed', 'push:message', 'push:completed']);
      expect(sends(due)[0].idempotencyKey).toBe('j1:3');
    });

    it('waits until a local time of day in the contact zone', () => {
      //   t → u(until 09:00) → push
      const g2 = flow().trigger('t').then('u', until('09:00')).then('push', push('Morning')).build();
      const r = step(newJourney(), g2, contact({ timezone: 'Asia/Shanghai' }), '2026-01-05T12:00:00Z');
      expect(r.journey.wait).toEqual({ kind: 'delay', until: '2026-01-06T01:00:00.000Z' });
    });

    it('takes the event handle when the event happens after the wait began', () => {
      //   t → w(waitFor app_open, P3D) —event→ yes(push)
      //                                 —timeout→ no(email)
      const g3 = flow()
        .trigger('t')
        .then('w', waitFor('app_open', 'P3D'))
        .on('event')
        .then('yes', push('Welcome back'))
        .from('w', 'timeout')
        .then('no', email('Still there?'))
        .build();
      const before = contact({ events: [event('app_open', '2026-01-05T11:00:00Z')] });
      const r1 = step(newJourney(), g3, before, '2026-01-05T12:00:00Z');
      expect(r1.journey.wait).toEqual({
        kind: 'event',
        event: 'app_open',
        since: '2026-01-05T12:00:00.000Z',
        timeoutAt: '2026-01-08T12:00:00.000Z',
      });
      expect(step(r1.journey, g3, before, '2026-01-06T12:00:00Z').effects).toEqual([]); // old event does not count

      const opened = contact({ events: [event('app_open', '2026-01-06T08:00:00Z')] });
      const r2 = step(r1.journey, g3, opened, '2026-01-06T08:00:00Z');
      expect(kinds(r2)).toEqual(['w:resumed', 'w:decision', 'yes:message', 'yes:completed']);

      const r3 = step(r1.journey, g3, before, '2026-01-08T12:00:00Z');
      expect(kinds(r3)).toEqual(['w:resumed', 'w:decision', 'no:message', 'no:completed']);
      expect(logs(r3)[1].detail).toMatchObject({ handle: 'timeout' });
    });
  });

  describe('goals', () => {
    //   t → wait(P7D) → push          goal paid(order_paid), journey-wide
    const g = flow()
      .trigger('t')
      .then('wait', delay('P7D'))
      .then('push', push('Nudge'))
      .node('paid', goal({ event: 'order_paid' }))
      .build();

    it('a goal reached during a delay ends the journey at once', () => {
      const r1 = step(newJourney(), g, contact(), '2026-01-05T12:00:00Z');
      expect(r1.journey.state).toBe('waiting');
      const paid = contact({ events: [event('order_paid', '2026-01-07T09:00:00Z')] });
      const r2 = step(r1.journey, g, paid, '2026-01-07T09:00:05Z');
      expect(r2.journey).toMatchObject({ state: 'converted', currentNodeId: 'paid', wait: null, nextRunAt: null });
      expect(kinds(r2)).toEqual(['paid:goal']);
      expect(logs(r2)[0].detail).toMatchObject({ from: 'wait', event: 'order_paid' });
      expect(sends(r2)).toEqual([]);
    });

    it('ignores goal events from before the journey entered', () => {
      const old = contact({ events: [event('order_paid', '2026-01-01T09:00:00Z')] });
      const r = step(newJourney(), g, old, '2026-01-05T12:00:00Z');
      expect(r.journey.state).toBe('waiting');
    });

    it('records when the goal was met (the event time) for attribution to messages', () => {
      const r1 = step(newJourney(), g, contact(), '2026-01-05T12:00:00Z');
      const paid = contact({ events: [event('order_paid', '2026-01-07T09:00:00Z')] });
      const r2 = step(r1.journey, g, paid, '2026-01-07T09:10:00Z');
      expect(r2.journey.context.convertedAt).toBe('2026-01-07T09:00:00.000Z');
    });

    describe('reached along an edge', () => {
      //   t → sms → g(goal order_paid)      the natural drawing: "SMS → Goal"
      const drawn = flow()
        .trigger('t')
        .then('sms', push('Coupon'))
        .then('g', goal({ event: 'order_paid' }))
        .build();

      it('is not met by arriving: the journey waits there for the event, up to the attribution window', () => {
        const r = step(newJourney(), drawn, contact(), '2026-01-05T12:00:00Z');
        expect(kinds(r)).toEqual(['t:entered', 'sms:message', 'g:wait']);
        expect(r.journey).toMatchObject({
          state: 'waiting',
          currentNodeId: 'g',
          wait: { kind: 'goal', until: '2026-01-08T12:00:00.000Z', within: 'PT72H' },
          nextRunAt: at('2026-01-08T12:00:00.000Z'),
        });
      });

      it('converts when the event comes within the window', () => {
        const r1 = step(newJourney(), drawn, contact(), '2026-01-05T12:00:00Z');
        const paid = contact({ events: [event('order_paid', '2026-01-06T09:00:00Z')] });
        const r2 = step(r1.journey, drawn, paid, '2026-01-06T09:00:01Z');
        expect(r2.journey).toMatchObject({ state: 'converted', currentNodeId: 'g', wait: null });
        expect(kinds(r2)).toEqual(['g:goal']);
      });

      it('ends completed, saying why, when the window closes without the event', () => {
        const r1 = step(newJourney(), drawn, contact(), '2026-01-05T12:00:00Z');
        const early = step(r1.journey, drawn, contact(), '2026-01-08T11:59:59Z');
        expect(early.effects).toEqual([]);
        const r2 = step(r1.journey, drawn, contact(), '2026-01-08T12:00:00Z');
        expect(r2.journey.state).toBe('completed');
        expect(logs(r2).at(-1)).toMatchObject({ nodeId: 'g', kind: 'completed', detail: { reason: 'goal not met within 72 hours' } });
      });

      it('waits as long as its own within says', () => {
        const short = flow()
          .trigger('t')
          .then('g', goal({ rule: { attribute: 'plan', op: 'eq', value: 'pro' }, within: 'P1D' }))
          .build();
        const r1 = step(newJourney(), short, contact(), '2026-01-05T12:00:00Z');
        expect(r1.journey.wait).toEqual({ kind: 'goal', until: '2026-01-06T12:00:00.000Z', within: 'P1D' });
        const pro = contact({ attributes: { plan: 'pro' } });
        expect(step(r1.journey, short, pro, '2026-01-05T18:00:00Z').journey.state).toBe('converted');
        const r2 = step(r1.journey, short, contact(), '2026-01-06T12:00:00Z');
        expect(logs(r2).at(-1)?.detail).toEqual({ reason: 'goal not met within 1 day' });
      });

      it('treatment and holdout alike: a contact who never acts does not convert', () => {
        const holdout = step(newJourney({ holdout: true }), drawn, contact(), '2026-01-05T12:00:00Z');
        expect(step(holdout.journey, drawn, contact(), '2026-01-09T00:00:00Z').journey.state).toBe('completed');
      });
    });
  });

  describe('conditions', () => {
    it('decides yes/no with an explanation', () => {
      //   t → c? —yes→ a(push)
      //          —no→ (end)
      const g = flow()
        .trigger('t')
        .then('c', when({ attribute: 'cart_items', op: 'gt', value: 0 }))
        .on('yes')
        .then('a', push('Cart'))
        .build();
      const yes = step(newJourney(), g, contact({ attributes: { cart_items: 2, pushToken: 'x' } }), '2026-01-05T12:00:00Z');
      expect(logs(yes).find((l) => l.kind === 'decision')?.detail).toMatchObject({
        handle: 'yes',
        explanation: 'cart_items = 2 > 0 → yes',
      });
      expect(sends(yes)).toHaveLength(1);
      const no = step(newJourney(), g, contact({ attributes: { cart_items: 0 } }), '2026-01-05T12:00:00Z');
      expect(no.journey.state).toBe('completed');
      expect(logs(no).at(-1)).toMatchObject({ nodeId: 'c', kind: 'completed', detail: { handle: 'no' } });
    });

    it.each`
      minutes      | arm
      ${500}       | ${'heavy'}
      ${60}        | ${'medium'}
      ${0}         | ${'else'}
      ${undefined} | ${'else'}
    `('layers by branches: $minutes min → $arm', ({ minutes, arm }) => {
      //   t → layer —heavy→ (end) —medium→ (end) —else→ (end)
      const g = flow()
        .trigger('t')
        .then(
          'layer',
          branches(
            { id: 'heavy', rule: { attribute: 'minutes', op: 'gt', value: 180 } },
            { id: 'medium', rule: { attribute: 'minutes', op: 'gte', value: 20 } },
          ),
        )
        .build();
      const r = step(newJourney(), g, contact({ attributes: { minutes } }), '2026-01-05T12:00:00Z');
      expect(logs(r).find((l) => l.kind === 'decision')?.detail.handle).toBe(arm);
    });

    it('splits deterministically per contact and roughly by percentage', () => {
      //   t → ab —a→ (end) —b→ (end)
      const g = flow()
        .trigger('t')
        .then('ab', split({ id: 'a', percent: 30 }, { id: 'b', percent: 70 }))
        .build();
      const armOf = (contactId: string) =>
        logs(step(newJourney({ contactId }), g, contact({ contactId }), '2026-01-05T12:00:00Z')).find((l) => l.kind === 'decision')?.detail
          .handle;
      expect(armOf('c42')).toBe(armOf('c42'));
      const arms = Array.from({ length: 2000 }, (_, i) => armOf(`c${i}`));
      const share = arms.filter((a) => a === 'a').length / arms.length;
      expect(share).toBeGreaterThan(0.25);
      expect(share).toBeLessThan(0.35);
    });

    it('an experiment with a winner routes every new journey to it and says who chose and why', () => {
      //   t → ab(winner b) —a→ (end) —b→ (end)
      const winner = { arm: 'b', decidedAt: '2026-01-04T00:00:00.000Z', decidedBy: 'the engine', reason: '“b” wins with 12.0 %' };
      const g = flow()
        .trigger('t')
        .then('ab', {
          type: 'condition',
          data: {
            split: [
              { id: 'a', percent: 50 },
              { id: 'b', percent: 50 },
            ],
            winner,
          },
        })
        .build();
      const decisions = Array.from({ length: 50 }, (_, i) =>
        logs(step(newJourney({ contactId: `c${i}` }), g, contact({ contactId: `c${i}` }), '2026-01-05T12:00:00Z')).find(
          (l) => l.kind === 'decision',
        ),
      );
      expect(new Set(decisions.map((d) => d?.detail.handle))).toEqual(new Set(['b']));
      expect(decisions[0]?.detail).toMatchObject({
        experiment: { winner: 'b', decidedBy: 'the engine' },
        explanation: 'experiment decided → b (chosen by the engine at 2026-01-04T00:00:00.000Z: “b” wins with 12.0 %)',
      });
    });
  });

  describe('channel guardrails', () => {
    const nightly = { ...defaultEngineSettings, frequencyCaps: [] };

    it.each`
      case                                | now                       | tz                    | sendAt
      ${'23:00 local → 09:00 local'}      | ${'2026-01-05T23:00:00Z'} | ${'UTC'}              | ${'2026-01-06T09:00:00.000Z'}
      ${'New York across spring forward'} | ${'2026-03-08T04:00:00Z'} | ${'America/New_York'} | ${'2026-03-08T13:00:00.000Z'}
      ${'New York across fall back'}      | ${'2026-11-01T03:00:00Z'} | ${'America/New_York'} | ${'2026-11-01T14:00:00.000Z'}
    `('quiet hours hold a send: $case', ({ now, tz, sendAt }) => {
      const facts = contact({ timezone: tz });
      const r1 = step(newJourney(), simple, facts, now, nightly);
      expect(r1.journey).toMatchObject({
        state: 'waiting',
        currentNodeId: 'push',
        wait: { kind: 'send', until: sendAt, reason: 'quiet_hours' },
      });
      expect(r1.journey.nextRunAt?.toISOString()).toBe(sendAt);
      expect(kinds(r1)).toEqual(['t:entered', 'push:guardrail', 'push:wait']);
      expect(sends(r1)).toEqual([]);

      const early = step(r1.journey, simple, facts, new Date(Date.parse(sendAt) - 60_000).toISOString(), nightly);
      expect(early.effects).toEqual([]);

      const r2 = step(r1.journey, simple, facts, sendAt, nightly);
      expect(kinds(r2)).toEqual(['push:resumed', 'push:message', 'push:completed']);
      expect(sends(r2)).toEqual([expect.objectContaining({ idempotencyKey: 'j1:2', at: at(sendAt) })]);
    });

    it.each`
      case                                              | quiet                               | now                       | sendAt
      ${'"off": sends at 23:00 despite the workspace'}  | ${'off'}                            | ${'2026-01-05T23:00:00Z'} | ${null}
      ${'own window 12:00–14:00: 23:00 sends'}          | ${{ start: '12:00', end: '14:00' }} | ${'2026-01-05T23:00:00Z'} | ${null}
      ${'own window 12:00–14:00: 12:30 waits to 14:00'} | ${{ start: '12:00', end: '14:00' }} | ${'2026-01-05T12:30:00Z'} | ${'2026-01-05T14:00:00.000Z'}
      ${'"workspace": 23:00 waits to 09:00'}            | ${'workspace'}                      | ${'2026-01-05T23:00:00Z'} | ${'2026-01-06T09:00:00.000Z'}
    `("a flow's own quiet hours replace the workspace's: $case", ({ quiet, now, sendAt }) => {
      const r = step(newJourney(), simple, contact({ timezone: 'UTC' }), now, settingsForFlow(nightly, quiet));
      if (sendAt === null) {
        expect(sends(r)).toHaveLength(1);
        expect(r.journey.state).toBe('completed');
      } else {
        expect(sends(r)).toEqual([]);
        expect(r.journey.wait).toEqual({ kind: 'send', until: sendAt, reason: 'quiet_hours' });
      }
    });

    it('a frequency cap holds a send until the counted send leaves the window', () => {
      const capped = { ...defaultEngineSettings, quietHours: null };
      const facts = contact({ recentSends: [sent('push', '2026-01-05T08:00:00Z')] });
      const r1 = step(newJourney(), simple, facts, '2026-01-05T12:00:00Z', capped);
      expect(r1.journey.wait).toEqual({ kind: 'send', until: '2026-01-06T08:00:00.000Z', reason: 'frequency_cap' });
      const r2 = step(r1.journey, simple, facts, '2026-01-06T08:00:00Z', capped);
      expect(sends(r2)).toHaveLength(1);
    });

    it('falls back to email without a push token, and records the fallback', () => {
      //   t → push(fallback email) → (end)
      const g = flow()
        .trigger('t')
        .then('push', push('Hi', { fallback: ['email'] }))
        .build();
      const r = step(newJourney(), g, contact({ attributes: { email: 'a@b.c', firstName: 'Li' } }), '2026-01-05T12:00:00Z');
      expect(sends(r)).toEqual([expect.objectContaining({ channel: 'email', content: { subject: 'Hi', text: 'Hi (body)' } })]);
      expect(logs(r).find((l) => l.kind === 'message')?.detail).toMatchObject({ channel: 'email', fallbackFrom: 'push' });
    });

    it('skips the send and continues when no channel is allowed', () => {
      //   t → sms → after(push)
      const g = flow()
        .trigger('t')
        .then('sms', { type: 'channel', data: { channel: 'sms', template: { body: 'x' } } })
        .then('after', push('after'))
        .build();
      const r = step(newJourney(), g, contact({ consent: {} }), '2026-01-05T12:00:00Z');
      expect(logs(r).find((l) => l.kind === 'guardrail')?.detail).toMatchObject({
        reason: 'no_channel',
        skipped: [{ channel: 'sms', reason: 'no_consent' }],
      });
      expect(sends(r).map((s) => s.nodeId)).toEqual(['after']);
    });

    it('holdout journeys go through without sends', () => {
      const r = step(newJourney({ holdout: true }), simple, contact(), '2026-01-05T12:00:00Z');
      expect(sends(r)).toEqual([]);
      expect(logs(r).find((l) => l.kind === 'guardrail')?.detail).toMatchObject({ reason: 'holdout' });
      expect(r.journey.state).toBe('completed');
    });

    it('webhooks skip quiet hours and caps', () => {
      //   t → hook
      const g = flow().trigger('t').then('hook', webhook('https://x.test/{{contact.externalId}}')).build();
      const r = step(
        newJourney(),
        g,
        contact({ recentSends: [sent('push', '2026-01-05T22:00:00Z')] }),
        '2026-01-05T23:00:00Z',
        defaultEngineSettings,
      );
      expect(sends(r)).toEqual([expect.objectContaining({ channel: 'webhook', content: { url: 'https://x.test/u1' } })]);
    });

    it('renders contact, flow and link variables', () => {
      //   t → mail
      const g = flow()
        .trigger('t')
        .then('mail', {
          type: 'channel',
          data: {
            channel: 'email',
            template: {
              subject: '{{flow.name}} for {{contact.externalId}}',
              html: '<p>{{firstName}} &amp; {{contact.attributes.note}}</p><a href="{{links.unsubscribe}}">x</a>',
            },
          },
        })
        .build();
      const r = step(newJourney(), g, contact({ attributes: { firstName: 'Li', email: 'a@b.c', note: '<b>' } }), '2026-01-05T12:00:00Z');
      const send = sends(r)[0];
      expect(send.content.subject).toBe('Test flow for u1');
      expect(send.content.html).toBe(`<p>Li &amp; &lt;b&gt;</p><a href="http://localhost:3000/t/u/${send.messageId}">x</a>`);
    });

    it('remembers the last 20 win-back sends and not check-ins', () => {
      //   t → a(winback) → b(check-in, winback:false)
      const g = flow()
        .trigger('t')
        .then('a', email('Come back'))
        .then('b', email('Check-in', 'x', { winback: false }))
        .build();
      const history = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString());
      const r = step(newJourney({ context: { winbackSentAt: history } }), g, contact(), '2026-01-05T12:00:00Z');
      expect(sends(r)).toHaveLength(2);
      expect(r.journey.context.winbackSentAt).toHaveLength(20);
      expect(r.journey.context.winbackSentAt?.at(-1)).toBe('2026-01-05T12:00:00.000Z');
      expect(r.journey.context.winbackSentAt?.[0]).toBe(history[1]);
    });
  });

  describe('one row per step, not two', () => {
    //   t → w (1 day) → c —yes→ push —→ (end) / —no→ (end)
    const g = flow()
      .trigger('t')
      .then('w', delay('P1D'))
      .then('c', branches({ id: 'yes', rule: { attribute: 'plan', op: 'eq', value: 'pro' } }))
      .on('yes')
      .then('push', push('Hi'))
      .build();
    const steps = (r: AdvanceResult) => logs(r).flatMap((l) => (l.step === undefined ? [] : [`${l.nodeId}:${l.kind}@${l.step}`]));

    it('the first row of each visit carries the step number, and no visit writes a node row of its own', () => {
      const facts = contact({ attributes: { ...contact().attributes, plan: 'pro' } });
      const r1 = step(newJourney(), g, facts, '2026-01-05T12:00:00Z');
      expect(steps(r1)).toEqual(['t:entered@1', 'w:wait@2']);
      const r2 = step(r1.journey, g, facts, '2026-01-06T12:00:00Z');
      // waking is not a visit: 'resumed' has no step
      expect(kinds(r2)).toEqual(['w:resumed', 'c:decision', 'push:message', 'push:completed']);
      expect(steps(r2)).toEqual(['c:decision@3', 'push:message@4']);
      expect([...logs(r1), ...logs(r2)].filter((l) => l.kind === 'node')).toEqual([]);
      expect(r2.journey.stepSeq).toBe(4);
    });

    it('counts every visit exactly once however the journey ends: steps written = stepSeq', () => {
      for (const plan of ['pro', 'free']) {
        const facts = contact({ attributes: { ...contact().attributes, plan } });
        const r1 = step(newJourney(), g, facts, '2026-01-05T12:00:00Z');
        const r2 = step(r1.journey, g, facts, '2026-01-06T12:00:00Z');
        const numbered = [...logs(r1), ...logs(r2)].filter((l) => l.step !== undefined).map((l) => l.step);
        expect(numbered).toEqual(Array.from({ length: r2.journey.stepSeq }, (_, i) => i + 1));
      }
    });
  });

  describe('failures', () => {
    it('fails, without throwing, when the current node is missing', () => {
      const r = step(newJourney({ currentNodeId: 'ghost' }), simple, contact(), '2026-01-05T12:00:00Z');
      expect(r.journey.state).toBe('failed');
      expect(logs(r)).toEqual([
        expect.objectContaining({
          nodeId: 'ghost',
          kind: 'failed',
          detail: expect.objectContaining({ error: 'node "ghost" is not in the graph' }),
        }),
      ]);
    });

    it('fails at the step limit', () => {
      //   t → a → b → c   (with maxStepsPerAdvance = 2)
      const g = flow().trigger('t').then('a', webhook('https://a')).then('b', webhook('https://b')).then('c', webhook('https://c')).build();
      const r = step(newJourney(), g, contact(), '2026-01-05T12:00:00Z', { ...noGuardrails, maxStepsPerAdvance: 2 });
      expect(r.journey.state).toBe('failed');
      expect(logs(r).at(-1)).toMatchObject({ nodeId: 'b', kind: 'failed', detail: { reason: 'step limit' } });
      expect(sends(r)).toHaveLength(1);
    });

    it('fails on a malformed graph instead of throwing', () => {
      const r = advance(newJourney(), { nodes: null, edges: null } as never, contact(), at('2026-01-05T12:00:00Z'));
      expect(r.journey.state).toBe('failed');
    });
  });
});
