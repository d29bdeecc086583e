import { validateFlow, type FlowGraphDocument } from '../engine';
import { plainIssue } from './plain-issues';

const issue = (message: string, nodeId: string | null = 'n') => plainIssue({ nodeId, message });

describe('plainIssue', () => {
  it.each([
    ['data.duration: "PT0M" is not a positive ISO 8601 duration (e.g. PT24H, P7D)', 'Wait time must be more than zero.', 'duration'],
    [
      'data.duration: "seven days" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      'Wait time “seven days” is not a length of time: pick a number and a unit.',
      'duration',
    ],
    [
      'data.waitFor.timeout: "P0D" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      'The longest wait for the event must be more than zero.',
      'timeout',
    ],
    [
      'handle "out" is not connected: journeys end there (completed)',
      'The “next” exit is not connected: journeys that take it end here.',
      null,
    ],
    [
      'handle "no" is not connected: journeys end there (completed)',
      'The “no” exit is not connected: journeys that take it end here.',
      null,
    ],
    ['data.template: email needs template.subject', 'An email needs a subject.', 'subject'],
    [
      'data.template.title: unknown variable "contact.email"',
      'The title uses “contact.email”, which is not a variable; pick one from “Insert variable”.',
      'title',
    ],
    ['data.split: percentages sum to 90, not 100', 'The split adds up to 90 %; it must be 100 %.', 'split'],
    ['data.rule.all[0]: "gt" on cart_items needs a value', 'The rule on “cart_items” needs a value to compare with.', 'rule'],
    [
      'data.maxAge: "PT0H" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      'The age limit of events must be more than zero.',
      'maxAge',
    ],
    [
      'data.escalate.after: "P0D" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      'The wait before escalating must be more than zero.',
      'escalateAfter',
    ],
    [
      'data.escalate.to[0]: email cannot be sent: email needs template.subject',
      'The email escalation cannot be sent. An email needs a subject.',
      'subject',
    ],
    [
      'data.locales.zh-CN.body: unknown variable "nme"',
      'The zh-CN text uses “nme”, which is not a variable; pick one from “Insert variable”.',
      'locales',
    ],
    ['node "x" is unreachable from the trigger', 'Nothing leads to this step: connect an earlier step to it, or delete it.', null],
  ])('%s', (message, text, field) => {
    expect(issue(message)).toMatchObject({ text, field, original: message });
  });

  it('words every message validateFlow gives for a broken wait', () => {
    const graph: FlowGraphDocument = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
        { id: 'w', type: 'delay', position: { x: 0, y: 0 }, data: { duration: 'PT0M' } },
      ],
      edges: [{ id: 'e', source: 't', target: 'w' }],
    };
    const { errors, warnings } = validateFlow(graph);
    expect(errors.map((e) => plainIssue(e).text)).toEqual(['Wait time must be more than zero.']);
    expect(warnings.map((e) => plainIssue(e).text)).toEqual(['The “next” exit is not connected: journeys that take it end here.']);
  });
});
