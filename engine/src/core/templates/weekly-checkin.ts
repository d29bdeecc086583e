import type { FlowGraphDocument } from '../schema';
import { graph, node } from './graph-data';

/** How many weekly check-ins the default template sends before it gives up. */
export const WEEKLY_CHECKIN_CAP = 12;

/**
 * "Win back, then check in weekly until active" — the mission's core rule as the default template.
 *
 *   trigger(inactive 7 d) → winback(push, fallback email) → returned?(waitFor app_open, 3 d)
 *     returned? —event→ week(P7D) → active?(rule active)
 *        active? —yes→ goal(active)
 *        active? —no→  capped?(visits checkin ≥ 12) —yes→ (end: completed)
 *                                                   —no→  checkin(push, winback:false) → week   (the loop)
 *     returned? —timeout→ second(email) → (end: completed)
 *
 * The goal is also checked on every tick and ingested event, so a contact who becomes active ends the journey as
 * converted at once, before the next check-in.
 */
/** The English win-back copy (push with an email fallback), shared by the default template and the demo. */
export const winbackCopyEn = {
  title: 'We miss you{{#if firstName}}, {{firstName}}{{/if}}!',
  body: 'A lot has happened since your last visit. Come and see what is new.',
  subject: 'We miss you{{#if firstName}}, {{firstName}}{{/if}}',
  text: 'Hi {{default firstName "there"}},\n\nA lot has happened since your last visit. Come back and see what is new: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
  url: 'https://app.example.com/',
};

export const weeklyCheckinGraph: FlowGraphDocument = graph(
  [
    node('trigger', 'trigger', { kind: 'inactive', days: 7, reentry: { cooldown: 'P30D' } }, 0, 1, 'Inactive for 7 days'),
    node(
      'winback',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: winbackCopyEn,
      },
      1,
      1,
      'Win-back push',
    ),
    node('returned', 'delay', { waitFor: { event: 'app_open', timeout: 'P3D' } }, 2, 1, 'Came back within 3 days?'),
    node('week', 'delay', { duration: 'P7D' }, 3, 0, 'Wait a week'),
    node('active', 'condition', { rule: { active: true } }, 4, 0, 'Active again?'),
    node('goal', 'goal', { rule: { active: true } }, 5, -1, 'Active again'),
    node(
      'capped',
      'condition',
      { rule: { visits: { node: 'checkin', gte: WEEKLY_CHECKIN_CAP } } },
      5,
      0,
      `${WEEKLY_CHECKIN_CAP} check-ins sent?`,
    ),
    node(
      'checkin',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: false,
        template: {
          title: 'How is it going{{#if firstName}}, {{firstName}}{{/if}}?',
          body: 'Here is what you might have missed this week.',
          subject: 'Your weekly check-in',
          text: 'Hi {{default firstName "there"}},\n\nHere is what you might have missed this week: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: 'https://app.example.com/',
        },
      },
      4,
      1,
      'Weekly check-in',
    ),
    node(
      'second',
      'channel',
      {
        channel: 'email',
        winback: true,
        template: {
          subject: '{{default firstName "Hey"}}, your account is waiting',
          html: '<p>Hi {{default firstName "there"}},</p><p>We saved everything just as you left it. <a href="{{links.click}}">Pick up where you left off</a>.</p><p><a href="{{links.unsubscribe}}">Unsubscribe</a></p>',
          text: 'Hi {{default firstName "there"}}, we saved everything just as you left it: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: 'https://app.example.com/',
        },
      },
      3,
      2,
      'Second attempt by email',
    ),
  ],
  [
    ['trigger', 'winback'],
    ['winback', 'returned'],
    ['returned', 'week', 'event'],
    ['returned', 'second', 'timeout'],
    ['week', 'active'],
    ['active', 'goal', 'yes'],
    ['active', 'capped', 'no'],
    ['capped', 'checkin', 'no'],
    ['checkin', 'week'],
  ],
);
