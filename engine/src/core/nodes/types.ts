import type { FlowNodeOf, NodeType, Rule } from '../schema';
import type { ContactFacts, EngineSettings, JourneySnapshot, JourneyWait, LogKind, SendEffect, SendFact } from '../types';

/** What a node decides: follow an out handle, wait, or end the journey. */
export type NodeOutcome =
  | { kind: 'next'; handle: string }
  | { kind: 'wait'; wait: JourneyWait }
  | { kind: 'end'; state: 'converted' | 'completed' | 'exited'; reason: string };

export interface FlowInfo {
  id: string;
  name: string;
}

/** Everything a handler may read, and the only two ways it may act: log and send. Fresh per step. */
export interface StepContext {
  /** the journey being advanced; handlers may update `context` (winbackSentAt) and read the rest */
  readonly journey: JourneySnapshot;
  readonly facts: ContactFacts;
  readonly now: Date;
  readonly settings: EngineSettings;
  readonly flow: FlowInfo;
  /** the contact's recent sends from all flows plus the ones emitted earlier in this advance() call */
  readonly recentSends: readonly SendFact[];
  /**
   * the idempotency key and message id a send from this step carries (the same on every retry of the step), and the
   * signed token of its subscription links
   */
  messageIds(): { idempotencyKey: string; messageId: string; linkToken: string };
  log(kind: LogKind, detail: Record<string, unknown>): void;
  send(effect: Omit<SendEffect, 'type' | 'at' | 'nodeId'>): void;
}

export interface NodeHandler<T extends NodeType = NodeType> {
  /** A visit: the journey arrives at the node. */
  enter(node: FlowNodeOf<T>, ctx: StepContext): NodeOutcome;
  /**
   * A journey waiting at this node is advanced: the outcome once the wait is over, or null to keep waiting
   * (nothing logged, nothing sent: advance stays idempotent for journeys woken early).
   */
  resume?(node: FlowNodeOf<T>, wait: JourneyWait, ctx: StepContext): NodeOutcome | null;
}

export type NodeHandlers = { [T in NodeType]: NodeHandler<T> };

/** The single out handle of a node that has one. */
export const OUT = 'out';

export type DataOf<T extends NodeType> = FlowNodeOf<T>['data'];

/**
 * A problem in a node's data: a machine code (`duration.notPositive`), the path inside `data` it is about
 * (`waitFor.timeout`), the values the words are made of, and the words (`data.waitFor.timeout: "P0D" is not …`).
 */
export interface DataIssue {
  code: string;
  field: string;
  params?: Record<string, unknown>;
  message: string;
  /** the flow still runs (a warning, not an error) */
  warning?: boolean;
}

/** A rule a node holds, where in its data, and who evaluates it: enrollment (in SQL) or `advance` on a journey. */
export interface NodeRule {
  field: string;
  rule: Rule;
  readBy: 'enrollment' | 'journey';
}

/** Everything the core knows about one node type: how it runs (the handler) and what it is (handles, checks, words). */
export interface NodeTraits<T extends NodeType = NodeType> extends NodeHandler<T> {
  /** the type's name in the marketer's words ("Message") and what it is for, for the palette and the cards */
  label: string;
  hint: string;
  /** the data a new node of this type starts with (valid as it is) */
  defaultData(): DataOf<T>;
  /** the out handles a node offers with this data */
  outHandles(data: DataOf<T>): string[];
  /** how validation names a step of this kind: "a rule condition", "a channel node" */
  kindName(data: DataOf<T>): string;
  rules(data: DataOf<T>): NodeRule[];
  /** the data checks the schema cannot express (the rules are checked by `validateFlow` through `rules`) */
  check(data: DataOf<T>): DataIssue[];
  /** one line in plain words for the canvas card */
  summary(data: DataOf<T>): string;
  /** a loop is legal when it passes a node of this type (it waits) */
  breaksLoops?: boolean;
  /** a node of this type without incoming edges needs no path from the trigger (a journey-wide goal) */
  mayBeDetached?: boolean;
}

export type NodeRegistry = { [T in NodeType]: NodeTraits<T> };
