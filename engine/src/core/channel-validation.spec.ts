/**
 *   t ──→ m (channel: push, locales, escalate)
 *
 * Validation of a channel node's per-locale variants and escalation (the rest of validation is `validate.spec.ts`).
 */
import type { FlowGraphDocument } from './schema';
import { flowGraphSchema } from './schema';
import { validateFlow } from './validate';

const graph = (data: Record<string, unknown>): FlowGraphDocument =>
  flowGraphSchema.parse({
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
      {
        id: 'm',
        type: 'channel',
        position: { x: 0, y: 1 },
        data: { channel: 'push', template: { title: 'Hi', body: 'Come back' }, ...data },
      },
    ],
    edges: [{ id: 'e', source: 't', target: 'm' }],
  });

describe('channel node: locales and escalate', () => {
  it('accepts variants and an escalation that every hop can send', () => {
    const result = validateFlow(
      graph({
        template: { title: 'Hi', body: 'Come back', subject: 'We miss you', text: 'Come back' },
        locales: { 'zh-CN': { title: '你好', body: '回来看看' }, en: { body: 'Come back, {{default firstName "friend"}}' } },
        escalate: { after: 'PT24H', unless: 'clicked', to: ['email', 'sms'] },
      }),
    );
    expect(result.errors).toEqual([]);
  });

  it.each([
    [{ locales: { 'zh-CN': { title: '{{#each x}}' } } }, 'm: data.locales.zh-CN.title: does not compile'],
    [{ locales: { fr: { title: '{{formatMoney x}}' } } }, 'm: data.locales.fr.title: unknown helper "formatMoney"'],
    [{ escalate: { after: 'P0D', unless: 'clicked', to: ['sms'] } }, 'm: data.escalate.after'],
    [
      { template: { title: 'Hi' }, escalate: { after: 'PT24H', unless: 'opened', to: ['email'] } },
      'm: data.escalate.to[0]: email cannot be sent: email needs template.html or template.text',
    ],
  ])('%j is an error naming the field', (data, message) => {
    const result = validateFlow(graph(data));
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => `${e.nodeId}: ${e.message}`)).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it('rejects a malformed locale key and an unknown `unless` at the schema', () => {
    expect(() => graph({ locales: { 'not a locale': { title: 'x' } } })).toThrow();
    expect(() => graph({ escalate: { after: 'PT1H', unless: 'ignored', to: ['email'] } })).toThrow();
  });
});
