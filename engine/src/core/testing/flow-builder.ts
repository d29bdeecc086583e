/**
 * A fluent builder that reads like the ASCII pictures in the specs:
 *
 *   flow()
 *     .trigger('t')                                   // t
 *     .then('wait', delay('P7D'))                     // t → wait
 *     .then('active', when({ active: true }))         //      wait → active
 *     .on('yes').then('goal', goal({ rule: { active: true } }))
 *     .from('active', 'no').then('push', push('Hi'))  // active —no→ push
 *     .to('wait')                                     // push → wait (loop back)
 *     .build();
 *
 * `then` creates the node (or reuses an existing id) and links it from the cursor; `on(handle)` picks the cursor's
 * out handle for the next link; `from(id, handle?)` moves the cursor; `to(id)` links back to an existing node.
 */
import type {
  ChannelData,
  ChannelKind,
  ConditionData,
  DelayData,
  FlowEdge,
  FlowGraphDocument,
  FlowNode,
  GoalData,
  MessageTemplate,
  Rule,
  TriggerData,
} from '../schema';

export type NodeSpec =
  | { type: 'condition'; data: ConditionData }
  | { type: 'delay'; data: DelayData }
  | { type: 'channel'; data: ChannelData }
  | { type: 'goal'; data: GoalData }
  | { type: 'trigger'; data: TriggerData };

export class FlowBuilder {
  private readonly nodes: FlowNode[] = [];
  private readonly edges: FlowEdge[] = [];
  private cursor: { id: string; handle?: string } | null = null;

  trigger(id = 't', data: TriggerData = { kind: 'inactive', days: 7 }): this {
    this.add(id, { type: 'trigger', data });
    this.cursor = { id };
    return this;
  }

  /** Adds a node (unless the id exists) and links the cursor to it; the new node becomes the cursor. */
  then(id: string, spec?: NodeSpec): this {
    if (!this.nodes.some((n) => n.id === id)) {
      if (!spec) throw new Error(`flow-builder: node "${id}" needs a spec`);
      this.add(id, spec);
    }
    if (this.cursor) this.link(this.cursor.id, id, this.cursor.handle);
    this.cursor = { id };
    return this;
  }

  on(handle: string): this {
    if (!this.cursor) throw new Error('flow-builder: on() needs a cursor');
    this.cursor = { ...this.cursor, handle };
    return this;
  }

  from(id: string, handle?: string): this {
    this.cursor = { id, handle };
    return this;
  }

  /** Links the cursor to an existing node (a loop back) and clears the cursor. */
  to(id: string): this {
    if (!this.cursor) throw new Error('flow-builder: to() needs a cursor');
    this.link(this.cursor.id, id, this.cursor.handle);
    this.cursor = null;
    return this;
  }

  /** A node with no incoming link (e.g. a journey-wide goal). */
  node(id: string, spec: NodeSpec): this {
    this.add(id, spec);
    return this;
  }

  /** A raw edge, for malformed graphs in validation tests. */
  edge(source: string, target: string, sourceHandle?: string | null, id?: string): this {
    this.edges.push({ id: id ?? `e${this.edges.length + 1}`, source, target, ...(sourceHandle !== undefined ? { sourceHandle } : {}) });
    return this;
  }

  build(): FlowGraphDocument {
    return { nodes: structuredClone(this.nodes), edges: structuredClone(this.edges) };
  }

  private add(id: string, spec: NodeSpec): void {
    this.nodes.push({ id, type: spec.type, data: spec.data, position: { x: this.nodes.length * 200, y: 0 } } as FlowNode);
  }

  private link(source: string, target: string, handle?: string): void {
    this.edges.push({ id: `e${this.edges.length + 1}`, source, target, ...(handle ? { sourceHandle: handle } : {}) });
  }
}

export const flow = () => new FlowBuilder();

// -------------------------------------------------------------------------------------------------- node specs

export const channel = (kind: ChannelKind, template: MessageTemplate, extra: Partial<ChannelData> = {}): NodeSpec => ({
  type: 'channel',
  data: { channel: kind, template, ...extra },
});
export const push = (title: string, extra: Partial<ChannelData> = {}) => channel('push', { title, body: `${title} (body)` }, extra);
export const email = (subject: string, text = 'Hello {{firstName}}', extra: Partial<ChannelData> = {}) =>
  channel('email', { subject, text }, extra);
export const sms = (body: string, extra: Partial<ChannelData> = {}) => channel('sms', { body }, extra);
export const webhook = (url: string, extra: Partial<ChannelData> = {}) => channel('webhook', { url }, extra);

export const delay = (duration: string): NodeSpec => ({ type: 'delay', data: { duration } });
export const until = (time: string, timezone?: string): NodeSpec => ({
  type: 'delay',
  data: timezone ? { until: time, timezone } : { until: time },
});
export const waitFor = (event: string, timeout: string): NodeSpec => ({ type: 'delay', data: { waitFor: { event, timeout } } });

export const when = (rule: Rule): NodeSpec => ({ type: 'condition', data: { rule } });
export const branches = (...list: { id: string; rule: Rule }[]): NodeSpec => ({ type: 'condition', data: { branches: list } });
export const split = (...arms: { id: string; percent: number }[]): NodeSpec => ({ type: 'condition', data: { split: arms } });
export const goal = (data: GoalData): NodeSpec => ({ type: 'goal', data });
