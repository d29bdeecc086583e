import { ConflictException, Inject, Injectable, Logger, NotFoundException, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NOW, NowSource } from '../common/clock';
import { poolOf } from '../engine/engine.module';
import type { SimulateBody } from './simulation.dto';
import { simulateFlow, type SimulationProgress, type SimulationReport } from './simulator';
import type { SimulationJob } from '@boomerang/engine/core/views/simulation';

interface Job {
  id: string;
  flowId: string;
  status: SimulationJob['status'];
  progress: SimulationProgress | null;
  createdAt: string;
  report: SimulationReport | null;
  error: string | null;
  done: Promise<void>;
}

const KEEP_JOBS = 20;

/**
 * Simulation jobs: one runs at a time per process (it holds one connection and a long transaction); progress and the
 * report are kept in memory for the last KEEP_JOBS jobs (`GET /api/flows/:id/simulations/:jobId`).
 */
@Injectable()
export class SimulationService implements OnApplicationShutdown {
  private readonly logger = new Logger('Simulation');
  private readonly jobs = new Map<string, Job>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOW) private readonly clock: NowSource,
  ) {}

  async start(flowId: string, body: SimulateBody) {
    if ([...this.jobs.values()].some((j) => j.status === 'running')) {
      throw new ConflictException('a simulation is already running; poll it and try again when it is done');
    }
    const [flow] = await this.dataSource.query(`SELECT id, current_version FROM flows WHERE id = $1`, [flowId]);
    if (!flow) throw new NotFoundException(`flow "${flowId}" not found`);
    const start = await this.clock.now();
    const job: Job = {
      id: randomUUID(),
      flowId,
      status: 'running',
      progress: null,
      createdAt: start.toISOString(),
      report: null,
      error: null,
      done: Promise.resolve(),
    };
    job.done = simulateFlow(
      poolOf(this.dataSource),
      { id: flowId, version: flow.current_version },
      body,
      start,
      (p) => (job.progress = p),
      () => this.stopping,
    )
      .then((report) => {
        job.report = report;
        job.status = 'done';
        this.logger.log(`flow ${flowId}: ${body.days} days simulated in ${report.elapsedMs} ms`);
      })
      .catch((error: unknown) => {
        job.status = 'failed';
        job.error = (error as Error).message;
        this.logger.error(`flow ${flowId}: simulation failed: ${(error as Error).stack ?? error}`);
      });
    this.jobs.set(job.id, job);
    for (const old of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEEP_JOBS))) this.jobs.delete(old);
    return this.view(job);
  }

  get(flowId: string, jobId: string) {
    const job = this.jobs.get(jobId);
    if (!job || job.flowId !== flowId) throw new NotFoundException(`simulation "${jobId}" not found`);
    return this.view(job);
  }

  /** Test and shutdown hook: resolves when the job has finished. */
  async wait(jobId: string): Promise<void> {
    await this.jobs.get(jobId)?.done;
  }

  /** Stops running simulations at their next step (each rolls back) and waits for them. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  private view(job: Job): SimulationJob {
    return {
      jobId: job.id,
      flowId: job.flowId,
      status: job.status,
      createdAt: job.createdAt,
      progress: job.progress,
      report: job.report,
      error: job.error,
    };
  }
}
