import { validateFlow, type FlowGraphDocument, type FlowNode, type ValidationIssue } from '../engine';
import { plainIssue } from './plain-issues';

const issue = (code: string, field: string | undefined, params: Record<string, unknown> | undefined, message: string): ValidationIssue => ({
  nodeId: 'n',
  code,
  ...(field ? { field } : {}),
  ...(params ? { params } : {}),
  message,
});

describe('plainIssue', () => {
  it.each([
    [
      issue(
        'duration.notPositive',
        'duration',
        { value: 'PT0M' },
        'data.duration: "PT0M" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      ),
      'Wait time must be more than zero.',
      'duration',
    ],
    [
      issue(
        'duration.invalid',
        'duration',
        { value: 'seven days' },
        'data.duration: "seven days" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      ),
      'Wait time “seven days” is not a length of time: pick a number and a unit.',
      'duration',
    ],
    [
      issue(
        'duration.notPositive',
        'waitFor.timeout',
        { value: 'P0D' },
        'data.waitFor.timeout: "P0D" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      ),
      'The longest wait for the event must be more than zero.',
      'timeout',
    ],
    [
      issue('handle.unconnected', undefined, { handle: 'out' }, 'handle "out" is not connected: journeys end there (completed)'),
      'The “next” exit is not connected: journeys that take it end here.',
      null,
    ],
    [
      issue('handle.unconnected', undefined, { handle: 'no' }, 'handle "no" is not connected: journeys end there (completed)'),
      'The “no” exit is not connected: journeys that take it end here.',
      null,
    ],
    [
      issue(
        'template.missingField',
        'template.subject',
        { channel: 'email', needs: 'subject' },
        'data.template: email needs template.subject',
      ),
      'An email needs a subject.',
      'subject',
    ],
    [
      issue(
        'template.variable',
        'template.title',
        { templateField: 'title', name: 'contact.email', problem: 'unknown variable "contact.email"' },
        'data.template.title: unknown variable "contact.email"',
      ),
      'The title uses “contact.email”, which is not a variable; pick one from “Insert variable”.',
      'title',
    ],
    [
      issue('split.sum', 'split', { sum: 90 }, 'data.split: percentages sum to 90, not 100'),
      'The split adds up to 90 %; it must be 100 %.',
      'split',
    ],
    [
      issue('rule.needsValue', 'rule.all[0]', { op: 'gt', attribute: 'cart_items' }, 'data.rule.all[0]: "gt" on cart_items needs a value'),
      'The rule on “cart_items” needs a value to compare with.',
      'rule',
    ],
    [
      issue(
        'duration.notPositive',
        'maxAge',
        { value: 'PT0H' },
        'data.maxAge: "PT0H" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      ),
      'The age limit of events must be more than zero.',
      'maxAge',
    ],
    [
      issue(
        'duration.notPositive',
        'escalate.after',
        { value: 'P0D' },
        'data.escalate.after: "P0D" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
      ),
      'The wait before escalating must be more than zero.',
      'escalateAfter',
    ],
    [
      issue(
        'escalate.missingField',
        'template.subject',
        { index: 0, channel: 'email', needs: 'subject' },
        'data.escalate.to[0]: email cannot be sent: email needs template.subject',
      ),
      'The email escalation cannot be sent. An email needs a subject.',
      'subject',
    ],
    [
      issue(
        'template.variable',
        'locales.zh-CN.body',
        { locale: 'zh-CN', templateField: 'body', name: 'nme', problem: 'unknown variable "nme"' },
        'data.locales.zh-CN.body: unknown variable "nme"',
      ),
      'The zh-CN text uses “nme”, which is not a variable; pick one from “Insert variable”.',
      'locales',
    ],
    [
      issue('node.unreachable', undefined, undefined, 'node "x" is unreachable from the trigger'),
      'Nothing leads to this step: connect an earlier step to it, or delete it.',
      null,
    ],
  ])('%j', (given, text, field) => {
    expect(plainIssue(given)).toMatchObject({ text, field, original: given.message });
  });

  it('falls back to the engine’s words about the top-level field for a code it has no words for', () => {
    expect(
      plainIssue(
        issue('rule.notComparable', 'audience.any[1]', { op: 'gt' }, 'data.audience.any[1]: "gt" compares numbers, dates or strings'),
      ),
    ).toMatchObject({
      text: 'Audience: "gt" compares numbers, dates or strings',
      field: 'audience',
    });
    expect(
      plainIssue(issue('schema.required', 'days', { expected: 'number', path: 'data.days' }, 'data.days is required (number)')),
    ).toMatchObject({
      text: 'Days is required.',
      field: 'days',
    });
    expect(plainIssue(issue('schema.required', undefined, { expected: 'string', path: 'id' }, 'id is required (string)'))).toMatchObject({
      text: 'Id is required.',
      field: 'id',
    });
    expect(plainIssue({ nodeId: null, code: 'internal', message: 'could not validate: boom' })).toMatchObject({
      text: 'Could not validate: boom',
      field: null,
    });
  });

  const at = (data: unknown, type: FlowNode['type'] = 'channel'): FlowGraphDocument =>
    ({
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
        { id: 'n', type, position: { x: 0, y: 0 }, data },
      ],
      edges: [{ id: 'e', source: 't', target: 'n' }],
    }) as FlowGraphDocument;

  it.each([
    [at({ waitFor: { event: 'app_open', timeout: 'P0D' } }, 'delay'), 'The longest wait for the event must be more than zero.', 'timeout'],
    [at({ channel: 'email', template: { text: 'Hi' } }), 'An email needs a subject.', 'subject'],
    [
      at({
        channel: 'email',
        template: { subject: 'Hi', html: '<p>x</p>', blocks: [{ id: 'b', type: 'button', label: 'Go', href: 'javascript:x' }] },
      }),
      'Block 1: the button link must start with https:// or be a variable such as {{links.click}}',
      'blocks[0].href',
    ],
    [
      at({ channel: 'push', template: { title: 'Hi {{contact.email}}' } }),
      'The title uses “contact.email”, which is not a variable; pick one from “Insert variable”.',
      'title',
    ],
    [
      at({ channel: 'sms', template: { body: 'Hi' }, escalate: { after: 'P1D', unless: 'clicked', to: ['email'] } }),
      'The email escalation cannot be sent. An email needs a subject.',
      'subject',
    ],
    [
      at({ rule: { all: [{ attribute: 'cart_items', op: 'gt' }] } }, 'condition'),
      'The rule on “cart_items” needs a value to compare with.',
      'rule',
    ],
    [
      at(
        {
          split: [
            { id: 'a', percent: 50 },
            { id: 'b', percent: 40 },
          ],
        },
        'condition',
      ),
      'The split adds up to 90 %; it must be 100 %.',
      'split',
    ],
  ])('words what validateFlow finds in %#', (graph, text, field) => {
    expect(validateFlow(graph).errors.map(plainIssue)).toEqual([expect.objectContaining({ nodeId: 'n', text, field })]);
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
