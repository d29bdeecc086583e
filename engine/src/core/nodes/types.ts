import type { FlowGraph } from '../graph';
import type { FlowNodeOf, NodeType } from '../schema';
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
  readonly graph: FlowGraph;
  readonly facts: ContactFacts;
  readonly now: Date;
  readonly settings: EngineSettings;
  readonly flow: FlowInfo;
  /** the contact's recent sends from all flows plus the ones emitted earlier in this advance() call */
  readonly recentSends: readonly SendFact[];
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
