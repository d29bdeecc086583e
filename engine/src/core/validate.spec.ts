import fc from 'fast-check';
import { channel, delay, email, flow, goal, push, sms, split, until, waitFor, webhook, when } from './testing/flow-builder';
import { validateFlow } from './validate';

const messages = (graph: unknown) => validateFlow(graph).errors.map((e) => `${e.nodeId}: ${e.message}`);

describe('validateFlow', () => {
  it('accepts a minimal flow and warns about the open end', () => {
    //   t → push → (end)
    const result = validateFlow(flow().trigger('t').then('push', push('Hi')).build());
    expect(result).toMatchObject({ valid: true, errors: [] });
    expect(result.warnings).toEqual([
      {
        nodeId: 'push',
        code: 'handle.unconnected',
        params: { handle: 'out' },
        message: 'handle "out" is not connected: journeys end there (completed)',
      },
    ]);
  });

  it('names a node of unknown type by its id, like every other graph error', () => {
    //   t → z(teleport)
    const graph = flow().trigger('t').then('z', push('Hi')).build() as unknown as { nodes: { id: string; type: string }[] };
    graph.nodes[1].type = 'teleport';
    expect(messages(graph)).toEqual(['z: node "z": unknown type "teleport" (a step is a trigger, condition, delay, channel, goal)']);
  });

  it('accepts the weekly check-in loop because it passes a delay', () => {
    //   t → push → week(P7D) → active? —yes→ goal
    //                 ↑             —no→ checkin ─┐
    //                 └────────────────────────────┘
    const graph = flow()
      .trigger('t')
      .then('push', push('We miss you'))
      .then('week', delay('P7D'))
      .then('active', when({ active: true }))
      .on('yes')
      .then('goal', goal({ rule: { active: true } }))
      .from('active', 'no')
      .then('checkin', push('Check-in', { winback: false }))
      .to('week')
      .build();
    expect(validateFlow(graph).errors).toEqual([]);
  });

  it('rejects a cycle without a delay, naming a node on it', () => {
    //   t → a? —yes→ b(push) ─┐
    //       ↑                 │
    //       └─────────────────┘      (no delay on the loop)
    const graph = flow()
      .trigger('t')
      .then('a', when({ attribute: 'x', op: 'exists' }))
      .on('yes')
      .then('b', push('loop'))
      .to('a')
      .build();
    const result = validateFlow(graph);
    expect(result.valid).toBe(false);
    const cycle = result.errors.find((e) => e.message.startsWith('cycle without a delay'));
    expect(cycle).toEqual({
      nodeId: 'a',
      code: 'cycle.noDelay',
      params: { cycle: ['a', 'b'], path: 'a → b → a' },
      message: 'cycle without a delay: a → b → a (a loop must pass through a delay node)',
    });
  });

  it('rejects a self loop', () => {
    //   t → a? —no→ a
    const graph = flow()
      .trigger('t')
      .then('a', when({ active: true }))
      .on('no')
      .to('a')
      .build();
    expect(messages(graph)).toContain('a: cycle without a delay: a → a (a loop must pass through a delay node)');
  });

  it.each<[string, () => unknown, string]>([
    ['no trigger', () => flow().node('p', push('x')).build(), 'null: the flow needs a trigger node'],
    ['two triggers', () => flow().trigger('t').trigger('t2').build(), 't2: only one trigger is allowed (the first is "t")'],
    ['edge to an unknown node', () => flow().trigger('t').edge('t', 'ghost').build(), 't: edge "e1" leads to unknown node "ghost"'],
    [
      'edge from an unknown node',
      () => flow().trigger('t').then('p', push('x')).edge('ghost', 'p').build(),
      'p: edge "e2" starts at unknown node "ghost"',
    ],
    [
      'wrong handle for a rule condition',
      () =>
        flow()
          .trigger('t')
          .then('c', when({ active: true }))
          .then('p', push('x'))
          .build(),
      'c: edge "e2" leaves from handle "out"; a rule condition offers "yes", "no"',
    ],
    [
      'wrong handle for a waitFor delay',
      () => flow().trigger('t').then('w', waitFor('app_open', 'P3D')).on('yes').then('p', push('x')).build(),
      'w: edge "e2" leaves from handle "yes"; a waitFor delay offers "event", "timeout"',
    ],
    [
      'two edges from one handle',
      () => flow().trigger('t').then('a', push('a')).from('t').then('b', push('b')).build(),
      't: handle "out" already has edge "e1"; one edge per handle',
    ],
    [
      'edge into the trigger',
      () => flow().trigger('t').then('d', delay('P1D')).to('t').build(),
      't: edge "e2" leads into the trigger; nothing may',
    ],
    [
      'goal with an out edge',
      () =>
        flow()
          .trigger('t')
          .then('g', goal({ event: 'x' }))
          .edge('g', 't')
          .build(),
      'g: a goal node has no out handles (edge "e2")',
    ],
    [
      'unreachable node',
      () => flow().trigger('t').then('a', push('a')).node('lost', push('lost')).build(),
      'lost: node "lost" is unreachable from the trigger',
    ],
    [
      'zero duration',
      () => flow().trigger('t').then('d', delay('P0D')).build(),
      'd: data.duration: "P0D" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
    ],
    [
      'unparseable duration',
      () => flow().trigger('t').then('d', delay('7 days')).build(),
      'd: data.duration: "7 days" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
    ],
    [
      'bad waitFor timeout',
      () => flow().trigger('t').then('w', waitFor('x', 'soon')).build(),
      'w: data.waitFor.timeout: "soon" is not a positive ISO 8601 duration (e.g. PT24H, P7D)',
    ],
    [
      'bad time zone',
      () => flow().trigger('t').then('u', until('09:00', 'Mars/Olympus')).build(),
      'u: data.timezone: "Mars/Olympus" is not an IANA time zone',
    ],
    [
      'bad rule window',
      () =>
        flow()
          .trigger('t')
          .then('c', when({ event: 'x', within: 'P-1D' }))
          .build(),
      'c: data.rule.within: "P-1D" is not a positive ISO 8601 duration',
    ],
    [
      'in without an array',
      () =>
        flow()
          .trigger('t')
          .then('c', when({ attribute: 'x', op: 'in', value: 'a' }))
          .build(),
      'c: data.rule: "in" on x needs an array value',
    ],
    [
      'gt without a value',
      () =>
        flow()
          .trigger('t')
          .then('c', when({ attribute: 'x', op: 'gt' }))
          .build(),
      'c: data.rule: "gt" on x needs a value',
    ],
    [
      'visits of an unknown node',
      () =>
        flow()
          .trigger('t')
          .then('c', when({ visits: { node: 'nope', gte: 1 } }))
          .build(),
      'c: data.rule.visits.node: unknown node "nope"',
    ],
    [
      'split not summing to 100',
      () =>
        flow()
          .trigger('t')
          .then('s', split({ id: 'a', percent: 50 }, { id: 'b', percent: 40 }))
          .build(),
      's: data.split: percentages sum to 90, not 100',
    ],
    [
      'email without subject',
      () =>
        flow()
          .trigger('t')
          .then('m', channel('email', { text: 'x' }))
          .build(),
      'm: data.template: email needs template.subject',
    ],
    [
      'email without html or text',
      () =>
        flow()
          .trigger('t')
          .then('m', channel('email', { subject: 'x' }))
          .build(),
      'm: data.template: email needs template.html or template.text',
    ],
    [
      'push without title or body',
      () =>
        flow()
          .trigger('t')
          .then('m', channel('push', { url: 'x' }))
          .build(),
      'm: data.template: push needs template.title or template.body',
    ],
    [
      'sms without body',
      () =>
        flow()
          .trigger('t')
          .then('m', channel('sms', { subject: 'x' }))
          .build(),
      'm: data.template: sms needs template.body',
    ],
    [
      'webhook without url',
      () =>
        flow()
          .trigger('t')
          .then('m', channel('webhook', { body: '{}' }))
          .build(),
      'm: data.template: webhook needs template.url',
    ],
    [
      'fallback without its fields',
      () =>
        flow()
          .trigger('t')
          .then('m', channel('sms', { body: 'x' }, { fallback: ['webhook'] }))
          .build(),
      'm: data.fallback: webhook fallback cannot be sent: webhook needs template.url',
    ],
    [
      'template syntax error',
      () => flow().trigger('t').then('m', sms('Hi {{firstName')).build(),
      'm: data.template.body: does not compile: Parse error on line 1:',
    ],
    [
      'unknown helper',
      () => flow().trigger('t').then('m', sms('{{formatMoney lastSeen}}')).build(),
      'm: data.template.body: unknown helper "formatMoney" (known: if, unless, each, with, lookup, default, formatDate, formatNumber, formatCurrency, truncate)',
    ],
    [
      'unknown block helper',
      () => flow().trigger('t').then('m', sms('{{#each2 items}}x{{/each2}}')).build(),
      'm: data.template.body: unknown block helper "each2" (use if, unless, each, with)',
    ],
    [
      'unknown reserved variable',
      () => flow().trigger('t').then('m', sms('{{contact.email}}')).build(),
      'm: data.template.body: unknown variable "contact.email"',
    ],
    ['partials', () => flow().trigger('t').then('m', sms('{{> footer}}')).build(), 'm: data.template.body: partials are not supported'],
    [
      'schema: missing field',
      () =>
        flow()
          .trigger('t', { kind: 'inactive' } as never)
          .build(),
      't: data.days is required (number)',
    ],
    [
      'schema: wrong type',
      () =>
        flow()
          .trigger('t')
          .then('d', { type: 'delay', data: { duration: 7 } } as never)
          .build(),
      'd: data.duration: expected string, received number',
    ],
    [
      'schema: unknown op',
      () =>
        flow()
          .trigger('t')
          .then('c', when({ attribute: 'x', op: 'like' } as never))
          .build(),
      'c: data.rule.op: Invalid option',
    ],
    [
      'schema: unknown node type',
      () => ({ nodes: [{ id: 'x', type: 'loop', position: { x: 0, y: 0 }, data: {} }], edges: [] }),
      'x: node "x": unknown type "loop"',
    ],
    ['schema: not a graph', () => 'hello', 'null: expected object, received string'],
    ['duplicate node ids', () => flow().trigger('t').then('p', push('a')).node('p', push('b')).build(), 'p: duplicate node id "p"'],
    [
      'duplicate edge ids',
      () => flow().trigger('t').then('p', push('a')).then('q', push('b')).edge('p', 'q', undefined, 'e1').build(),
      'p: duplicate edge id "e1"',
    ],
  ])('%s', (_case, build, expected) => {
    const result = validateFlow(build());
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => `${e.nodeId}: ${e.message}`)).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it.each<[string, string]>([
    ['attributes at top level', 'Hi {{firstName}}, {{cart_items}} items'],
    ['contact namespace', '{{contact.externalId}} {{contact.attributes.plan}} {{attributes.plan}}'],
    ['flow, links, message', '{{flow.name}} {{links.unsubscribe}} {{links.click}} {{message.id}}'],
    ['helpers', '{{#if firstName}}Hi {{firstName}}{{else}}Hi{{/if}} {{default nickname "friend"}} {{lookup attributes "plan"}}'],
    ['each scope', '{{#each items}}{{name}} {{@index}}{{/each}}'],
  ])('accepts templates with %s', (_case, body) => {
    expect(validateFlow(flow().trigger('t').then('m', sms(body)).build()).errors).toEqual([]);
  });

  it('maps schema errors of an edge to the edge and its source', () => {
    const graph = { ...flow().trigger('t').then('p', push('x')).build() };
    (graph.edges[0] as Record<string, unknown>).sourceHandle = 42;
    expect(validateFlow(graph).errors).toEqual([
      {
        nodeId: 't',
        edgeId: 'e1',
        code: 'schema.invalid_type',
        field: 'sourceHandle',
        params: { problem: 'expected string, received number' },
        message: 'edge "e1": sourceHandle: expected string, received number',
      },
    ]);
  });

  it.each([
    ['a zero wait', delay('PT0M'), { code: 'duration.notPositive', field: 'duration', params: { value: 'PT0M' } }],
    ['a wait that is no duration', waitFor('order_paid', 'soon'), { code: 'duration.invalid', field: 'waitFor.timeout' }],
    [
      'a rule leaf without a value',
      when({ all: [{ attribute: 'cart_items', op: 'gt' }] }),
      { code: 'rule.needsValue', field: 'rule.all[0]', params: { op: 'gt', attribute: 'cart_items' } },
    ],
    [
      'a split off 100',
      split({ id: 'a', percent: 50 }, { id: 'b', percent: 40 }),
      { code: 'split.sum', field: 'split', params: { sum: 90 } },
    ],
    [
      'an email without a subject',
      channel('email', { text: 'Hi' }),
      { code: 'template.missingField', field: 'template.subject', params: { channel: 'email', needs: 'subject' } },
    ],
    [
      'an unknown variable',
      sms('Hi {{contact.email}}'),
      { code: 'template.variable', field: 'template.body', params: { templateField: 'body', name: 'contact.email' } },
    ],
  ])('codes %s and names the field', (_case, node, expected) => {
    //   t → x
    const [issue] = validateFlow(flow().trigger('t').then('x', node).build()).errors;
    expect(issue).toMatchObject({ nodeId: 'x', ...expected });
  });

  it('accepts journey-wide goals without incoming edges', () => {
    //   t → email → (end)        goal(order_paid) checked on every step
    const graph = flow()
      .trigger('t')
      .then('m', email('Hi'))
      .node('paid', goal({ event: 'order_paid' }))
      .build();
    expect(validateFlow(graph).errors).toEqual([]);
  });

  it('accepts webhook and until delays', () => {
    //   t → u(until 09:00 Europe/Paris) → hook
    const graph = flow()
      .trigger('t')
      .then('u', until('09:00', 'Europe/Paris'))
      .then('hook', webhook('https://example.com/{{contact.externalId}}'))
      .build();
    expect(validateFlow(graph).errors).toEqual([]);
  });

  describe('never throws', () => {
    const leafRule = fc.oneof(
      fc.record({ attribute: fc.string(), op: fc.constantFrom('eq', 'gt', 'in', 'exists', 'bad'), value: fc.anything() }),
      fc.record({ event: fc.string(), within: fc.constantFrom('P7D', 'PT0S', 'x', '') }),
      fc.record({ active: fc.boolean() }),
      fc.record({ visits: fc.record({ node: fc.string(), gte: fc.integer() }) }),
    );
    const data = fc.oneof(
      fc.anything(),
      fc.record({ kind: fc.constantFrom('inactive', 'event', 'segment'), days: fc.integer(), event: fc.string(), rule: leafRule }),
      fc.record({ rule: fc.oneof(leafRule, fc.record({ all: fc.array(leafRule) })) }),
      fc.record({ split: fc.array(fc.record({ id: fc.string(), percent: fc.integer({ min: -5, max: 105 }) })) }),
      fc.record({ branches: fc.array(fc.record({ id: fc.string(), rule: leafRule })) }),
      fc.record({ duration: fc.constantFrom('P7D', 'PT0S', 'P1M', 'x') }),
      fc.record({ waitFor: fc.record({ event: fc.string(), timeout: fc.string() }) }),
      fc.record({ until: fc.constantFrom('09:00', '25:00'), timezone: fc.constantFrom('UTC', 'Nope/Nope') }),
      fc.record({
        channel: fc.constantFrom('email', 'push', 'sms', 'webhook', 'fax'),
        template: fc.record(
          { subject: fc.string(), body: fc.constantFrom('{{x}}', '{{#if}}', '{{> p}}', '{{foo bar}}', '{{', '{{contact.x}}') },
          { requiredKeys: [] },
        ),
      }),
      fc.record({ event: fc.string() }),
    );
    const ids = fc.constantFrom('a', 'b', 'c', 't', '', 'x');
    const node = fc.record(
      {
        id: fc.oneof(ids, fc.anything()),
        type: fc.constantFrom('trigger', 'condition', 'delay', 'channel', 'goal', 'nope'),
        position: fc.oneof(fc.record({ x: fc.integer(), y: fc.integer() }), fc.anything()),
        data,
      },
      { requiredKeys: [] },
    );
    const edge = fc.record(
      {
        id: fc.oneof(ids, fc.anything()),
        source: ids,
        target: ids,
        sourceHandle: fc.oneof(fc.constantFrom('out', 'yes', 'no', 'else', 'event', 'timeout', null), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const document = fc.oneof(
      fc.anything(),
      fc.record({ nodes: fc.array(node, { maxLength: 8 }), edges: fc.array(edge, { maxLength: 12 }) }),
      fc.record({ nodes: fc.anything(), edges: fc.anything() }),
    );

    it('returns a result for any document', () => {
      fc.assert(
        fc.property(document, (doc) => {
          const result = validateFlow(doc);
          expect(typeof result.valid).toBe('boolean');
          expect(Array.isArray(result.errors)).toBe(true);
          expect(result.valid).toBe(result.errors.length === 0);
          for (const e of result.errors) expect(typeof e.message).toBe('string');
        }),
        { numRuns: 400 },
      );
    });
  });
});

describe('bounded rules and destinations (issue 20)', () => {
  const leaf = (i: number) => ({ attribute: `a${i}`, op: 'eq', value: i });
  const segment = (rule: unknown) => ({
    nodes: [{ id: 'seg', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule } }],
    edges: [],
  });

  it('refuses a rule with more than 200 conditions, naming the node', () => {
    // 3 × 70 = 210 leaves, each list within the schema's bound
    const rule = { any: [0, 1, 2].map((g) => ({ all: Array.from({ length: 70 }, (_, i) => leaf(g * 70 + i)) })) };
    const errors = validateFlow(segment(rule)).errors;
    expect(errors).toEqual([
      expect.objectContaining({
        nodeId: 'seg',
        code: 'rule.tooManyLeaves',
        message: 'data.rule: the rule has 210 conditions; at most 200',
      }),
    ]);
  });

  it('refuses a flat list of 3,000 conditions at the schema', () => {
    const errors = validateFlow(segment({ any: Array.from({ length: 3000 }, (_, i) => leaf(i)) })).errors;
    expect(errors.map((e) => e.message).join('\n')).toMatch(/at most 200 conditions in one rule/);
  });

  it('refuses an "in" list over 1,000 values', () => {
    const rule = { attribute: 'plan', op: 'in', value: Array.from({ length: 1001 }, (_, i) => `p${i}`) };
    expect(validateFlow(segment(rule)).errors).toEqual([expect.objectContaining({ nodeId: 'seg', code: 'rule.listTooLong' })]);
  });

  it('flags a webhook node whose literal URL the server refuses, when given the server rule', () => {
    const graph = flow().trigger('t').then('hook', webhook('http://169.254.169.254/latest/meta-data/')).build();
    expect(validateFlow(graph).valid).toBe(true); // the editor: not decided here
    expect(validateFlow(graph, { destinations: [] }).errors).toEqual([
      expect.objectContaining({ nodeId: 'hook', code: 'webhook.destination', field: 'template.url' }),
    ]);
  });
});
