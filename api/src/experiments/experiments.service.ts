import { ConflictException, Inject, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { addDuration, type FlowGraphDocument } from '@boomerang/engine';
import type { FlowNodeOf } from '@boomerang/engine/core/schema';
import { EXPERIMENT_TEST, pickExperimentWinner } from '@boomerang/engine/core/stats/experiment';
import type { ExperimentView, ExperimentsView } from '@boomerang/engine/core/views/experiments';
import { actorOf, type Principal } from '../auth/principal';
import { NOW, NowSource } from '../common/clock';
import { EngineService } from '../engine/engine.service';
import { FlowsService } from '../flows/flows.service';
import { SettingsService } from '../settings/settings.service';
import { ExperimentsRepository } from './experiments.repository';

type SplitNode = FlowNodeOf<'condition'> & { data: Extract<FlowNodeOf<'condition'>['data'], { split: unknown }> };
const ENGINE_ACTOR = 'engine:experiments';

const experimentSplits = (graph: FlowGraphDocument): SplitNode[] =>
  graph.nodes.filter((n): n is SplitNode => n.type === 'condition' && 'split' in n.data && !!n.data.experiment);

/**
 * Experiments that pick their winner. After each engine tick (at most once per hour of engine time per process), the
 * undecided experiments of active flows whose window has closed are tested (`pickExperimentWinner`); a winner becomes
 * a new live version (`FlowsService.decideExperiment`, audited with the numbers). A marketer may pick by hand at any
 * time. Several engines may decide at once: the flow row lock and the "decided already" check keep one decision.
 */
@Injectable()
export class ExperimentsService implements OnModuleInit {
  private lastCheck = -Infinity;

  constructor(
    private readonly repository: ExperimentsRepository,
    private readonly flows: FlowsService,
    private readonly settings: SettingsService,
    private readonly engine: EngineService,
    @Inject(NOW) private readonly clock: NowSource,
  ) {}

  onModuleInit(): void {
    this.engine.engine.afterTick((now) => this.decideDue(now));
  }

  async forFlow(flowId: string): Promise<ExperimentsView> {
    const [live] = await this.repository.liveVersions(flowId);
    if (!live) {
      await this.flows.view(flowId); // 404 for an unknown flow; a draft has no live experiments yet
      return { items: [] };
    }
    const { attributionWindow } = await this.settings.get();
    const items: ExperimentView[] = [];
    for (const node of experimentSplits(live.graph)) items.push(await this.status(live.flow_id, live.version, node, attributionWindow));
    return { items };
  }

  /** The marketer's choice: the arm becomes the winner now, whatever the numbers say (they are kept with it). */
  async pick(flowId: string, nodeId: string, arm: string, caller: Principal) {
    const [live] = await this.repository.liveVersions(flowId);
    if (!live) throw new ConflictException('the flow has no live version to decide an experiment on');
    const node = experimentSplits(live.graph).find((n) => n.id === nodeId);
    if (!node) throw new NotFoundException(`step "${nodeId}" is not an experiment of the live version`);
    const { attributionWindow } = await this.settings.get();
    const seen = await this.status(flowId, live.version, node, attributionWindow);
    const decidedAt = (await this.clock.now()).toISOString();
    return this.flows.decideExperiment(
      flowId,
      nodeId,
      { arm, decidedAt, decidedBy: actorOf(caller), reason: `picked by hand (the test said: ${seen.verdict.reason})` },
      { arms: seen.arms, comparisons: seen.verdict.comparisons },
    );
  }

  /** Every undecided experiment whose window closed by `now`: decided when one arm beats every other. */
  async decideDue(now: Date): Promise<number> {
    if (now.getTime() - this.lastCheck < 3_600_000) return 0;
    this.lastCheck = now.getTime();
    const { attributionWindow } = await this.settings.get();
    let decided = 0;
    for (const live of await this.repository.liveVersions(null)) {
      if (live.current_version !== live.version) continue; // a draft waits: the marketer decides by publishing
      for (const node of experimentSplits(live.graph)) {
        if (node.data.winner) continue;
        const seen = await this.status(live.flow_id, live.version, node, attributionWindow);
        if (!seen.closesAt || Date.parse(seen.closesAt) > now.getTime() || !seen.verdict.winner) continue;
        const winner = { arm: seen.verdict.winner, decidedAt: now.toISOString(), decidedBy: ENGINE_ACTOR, reason: seen.verdict.reason };
        try {
          await this.flows.decideExperiment(live.flow_id, node.id, winner, { arms: seen.arms, comparisons: seen.verdict.comparisons });
          decided++;
        } catch (error) {
          if (!(error instanceof ConflictException)) throw error; // decided by another engine, or a draft appeared
        }
      }
    }
    return decided;
  }

  private async status(flowId: string, version: number, node: SplitNode, attributionWindow: string): Promise<ExperimentView> {
    const experiment = node.data.experiment!;
    const rows = await this.repository.armCounts(flowId, version, node.id, experiment.metric, attributionWindow);
    const arms = node.data.split.map((a) => {
      const row = rows.find((r) => r.arm === a.id);
      const journeys = row?.journeys ?? 0;
      const successes = row?.successes ?? 0;
      return { id: a.id, percent: a.percent, journeys, successes, rate: journeys ? successes / journeys : null };
    });
    const started = rows.reduce<Date | null>((min, r) => (r.started_at && (!min || r.started_at < min) ? r.started_at : min), null);
    const verdict = pickExperimentWinner(arms, experiment.minSample);
    return {
      nodeId: node.id,
      version,
      experiment,
      winner: node.data.winner ?? null,
      startedAt: started?.toISOString() ?? null,
      closesAt: started ? addDuration(started, experiment.window).toISOString() : null,
      arms,
      verdict: { ...verdict, test: EXPERIMENT_TEST },
    };
  }
}
