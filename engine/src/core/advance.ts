/**
 * The pure step interpreter: `(journey, graph, facts, now) → (next journey, effects)`.
 * Walks from the journey's current node until it waits or ends. Never throws; never reads a clock.
 *
 *   advance
 *     ├─ live? no → unchanged
 *     ├─ goal met? → converted (wherever it waits)
 *     ├─ waiting → handler.resume (null → unchanged, no effects) | first visit → handler.enter
 *     └─ loop: next handle → edge → goal check → visit … until wait / end / unconnected handle (completed)
 */
import { flowGraphOf, type FlowGraph } from './graph';
import { metGoal } from './goals';
import { messageIdFor } from './message-id';
import { subscriptionLinkToken } from './link-token';
import { nodeHandlers, type FlowInfo, type NodeHandler, type NodeOutcome, type StepContext } from './nodes';
import type { FlowGraphDocument, FlowNode } from './schema';
import { findReturn } from './rules';
import {
  defaultEngineSettings,
  liveJourneyStates,
  type AdvanceResult,
  type ContactFacts,
  type Effect,
  type EngineSettings,
  type JourneySnapshot,
  type JourneyState,
  type JourneyWait,
  type LogKind,
  type SendFact,
} from './types';

export function advance(
  journey: JourneySnapshot,
  graph: FlowGraphDocument | FlowGraph,
  facts: ContactFacts,
  now: Date,
  settings: EngineSettings = defaultEngineSettings,
  flow?: Partial<FlowInfo>,
): AdvanceResult {
  if (!liveJourneyStates.includes(journey.state)) return { journey, effects: [] };
  const run = new Run(
    cloneJourney(journey),
    facts,
    now,
    { ...defaultEngineSettings, ...settings },
    {
      id: flow?.id ?? journey.flowId,
      name: flow?.name ?? '',
    },
  );
  try {
    run.execute(flowGraphOf(graph));
  } catch (error) {
    run.fail(error);
  }
  run.closeVisit();
  return { journey: run.journey, effects: run.effects };
}

/** When a wait is due: the instant the runtime should wake the journey. */
export function waitDueAt(wait: JourneyWait): Date {
  return new Date(wait.kind === 'event' ? wait.timeoutAt : wait.until);
}

class Run {
  readonly effects: Effect[] = [];
  private readonly recentSends: SendFact[];
  private steps = 0;
  /** The visit whose first log row is still to come: that row carries its step number (no `node` row of its own). */
  private openVisit: { nodeId: string; step: number } | null = null;

  constructor(
    readonly journey: JourneySnapshot,
    private readonly facts: ContactFacts,
    private readonly now: Date,
    private readonly settings: EngineSettings,
    private readonly flow: FlowInfo,
  ) {
    this.recentSends = [...(facts.recentSends ?? [])];
  }

  execute(graph: FlowGraph): void {
    this.noteReturn();
    if (this.reachedGoal(graph)) return;
    let node = graph.requireNode(this.journey.currentNodeId);
    let outcome: NodeOutcome;
    if (this.journey.wait) {
      const wait = this.journey.wait;
      const handler = nodeHandlers[node.type] as NodeHandler;
      const mark = this.effects.length;
      const resumed = handler.resume ? handler.resume(node, wait, this.context(node)) : { kind: 'next' as const, handle: 'out' };
      if (resumed === null) {
        this.effects.length = mark; // not due: unchanged, no effects
        return;
      }
      // 'resumed' goes before whatever the node did on waking
      this.effects.splice(mark, 0, { type: 'log', at: this.now, nodeId: node.id, kind: 'resumed', detail: { wait } });
      this.journey.wait = null;
      this.journey.nextRunAt = null;
      this.journey.state = 'running';
      outcome = resumed;
    } else {
      outcome = this.visit(graph, node);
    }

    for (;;) {
      if (outcome.kind === 'wait') {
        this.journey.state = 'waiting';
        this.journey.wait = outcome.wait;
        this.journey.nextRunAt = waitDueAt(outcome.wait);
        this.log(node.id, 'wait', { ...outcome.wait });
        return;
      }
      if (outcome.kind === 'end') {
        this.end(node.id, outcome.state, { reason: outcome.reason });
        return;
      }
      const target = graph.next(node.id, outcome.handle);
      if (!target) {
        this.end(node.id, 'completed', { reason: 'unconnected handle', handle: outcome.handle });
        return;
      }
      this.journey.currentNodeId = target.id;
      if (this.reachedGoal(graph)) return;
      if (this.steps >= this.settings.maxStepsPerAdvance) {
        this.end(target.id, 'failed', {
          reason: 'step limit',
          error: `more than ${this.settings.maxStepsPerAdvance} steps in one advance (a runaway loop?)`,
        });
        return;
      }
      node = target;
      outcome = this.visit(graph, node);
    }
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.end(this.journey.currentNodeId, 'failed', { reason: 'error', error: message.slice(0, 1000) });
  }

  private visit(graph: FlowGraph, node: FlowNode): NodeOutcome {
    this.steps++;
    this.journey.stepSeq += 1;
    const visits = { ...(this.journey.context.visits ?? {}) };
    visits[node.id] = (visits[node.id] ?? 0) + 1;
    this.journey.context.visits = visits;
    this.journey.state = 'running';
    this.closeVisit();
    this.openVisit = { nodeId: node.id, step: this.journey.stepSeq };
    const handler = nodeHandlers[node.type] as NodeHandler;
    return handler.enter(node, this.context(node));
  }

  private context(node: FlowNode): StepContext {
    return {
      journey: this.journey,
      facts: this.facts,
      now: this.now,
      settings: this.settings,
      flow: this.flow,
      recentSends: this.recentSends,
      messageIds: () => {
        const idempotencyKey = `${this.journey.id}:${this.journey.stepSeq}`;
        const messageId = messageIdFor(idempotencyKey);
        return { idempotencyKey, messageId, linkToken: subscriptionLinkToken(this.settings.subscriptionLinks, messageId, this.now) };
      },
      log: (kind, detail) => this.log(node.id, kind, detail),
      send: (effect) => {
        this.effects.push({ type: 'send', at: this.now, nodeId: node.id, ...effect });
        this.recentSends.push({ channel: effect.channel, at: this.now });
      },
    };
  }

  private reachedGoal(graph: FlowGraph): boolean {
    const goal = metGoal(graph, this.journey, this.facts, this.now, this.settings);
    if (!goal) return false;
    const from = this.journey.currentNodeId;
    this.journey.currentNodeId = goal.node.id;
    this.log(goal.node.id, 'goal', { reason: 'goal met', from, explanation: goal.explanation, ...goal.values });
    this.journey.context.convertedAt = goal.metAt.toISOString();
    this.end(goal.node.id, 'converted', null);
    return true;
  }

  /** Remembers the first return (activity after a win-back send, within the attribution window). */
  private noteReturn(): void {
    const ctx = this.journey.context;
    if (ctx.returnedAt || !ctx.winbackSentAt?.length) return;
    const returned = findReturn(this.facts.events, ctx.winbackSentAt, this.now, this.settings.attributionWindow);
    if (returned) ctx.returnedAt = returned.toISOString();
  }

  private end(nodeId: string, state: JourneyState, detail: Record<string, unknown> | null): void {
    this.journey.state = state;
    this.journey.wait = null;
    this.journey.nextRunAt = null;
    // converted journeys were logged as 'goal' by whoever found the goal
    if (state === 'failed' || state === 'exited' || state === 'completed') this.log(nodeId, state, detail ?? {});
  }

  /** A visit that wrote no row of its own (a split, say) still leaves one: a `node` row with its step. */
  closeVisit(): void {
    const visit = this.openVisit;
    if (!visit) return;
    this.openVisit = null;
    this.effects.push({ type: 'log', at: this.now, nodeId: visit.nodeId, kind: 'node', detail: {}, step: visit.step });
  }

  private log(nodeId: string, kind: LogKind, detail: Record<string, unknown>): void {
    const visit = this.openVisit;
    if (visit && visit.nodeId === nodeId) {
      this.openVisit = null;
      this.effects.push({ type: 'log', at: this.now, nodeId, kind, detail, step: visit.step });
      return;
    }
    this.closeVisit();
    this.effects.push({ type: 'log', at: this.now, nodeId, kind, detail });
  }
}

function cloneJourney(j: JourneySnapshot): JourneySnapshot {
  return {
    ...j,
    wait: j.wait ? { ...j.wait } : null,
    context: {
      ...j.context,
      winbackSentAt: j.context?.winbackSentAt ? [...j.context.winbackSentAt] : undefined,
      visits: j.context?.visits ? { ...j.context.visits } : undefined,
    },
  };
}
