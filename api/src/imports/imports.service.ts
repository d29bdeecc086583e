import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { parse } from 'csv-parse';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type { ImportProgress } from '@boomerang/engine/core/views/contacts';
import { APP_CONFIG, type AppConfig } from '../config';
import { csvLine } from '../common/csv';
import { ContactsService, EventsService } from '../contacts/contacts.service';
import { contactFromCsv, csvColumn, eventFromCsv, type CsvRecord } from './csv-records';

export type ImportKind = ImportProgress['kind'];

/** Rows per call of the contacts/events service (one ingest statement each); the parser waits meanwhile. */
const BATCH = 5_000;
const KEEP = 20;

interface Job extends ImportProgress {
  file: string;
}

/**
 * Streaming CSV imports (issue 11): the upload is parsed as it arrives (csv-parse, backpressure through
 * `for await`), validated and stored BATCH rows at a time through the same services as `POST /api/contacts` and
 * `POST /api/events` (events go through the engine's ingest statement), so memory is bounded whatever the size.
 * Every rejected row, with its line number and reason, is appended to a CSV report under DATA_DIR/imports.
 */
@Injectable()
export class ImportsService {
  private readonly jobs = new Map<string, Job>();
  private readonly dir: string;

  constructor(
    private readonly contacts: ContactsService,
    private readonly events: EventsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.dir = join(config.DATA_DIR, 'imports');
  }

  async run(
    kind: ImportKind,
    upload: Readable,
    totalBytes: number | null,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportProgress> {
    mkdirSync(this.dir, { recursive: true });
    const id = randomUUID();
    const started = performance.now();
    const job: Job = {
      importId: id,
      kind,
      status: 'running',
      rows: 0,
      accepted: 0,
      rejected: 0,
      bytes: 0,
      totalBytes,
      percent: totalBytes ? 0 : null,
      startedAt: new Date().toISOString(),
      elapsedMs: 0,
      error: null,
      rejectedReport: null,
      file: join(this.dir, `${id}-rejected.csv`),
    };
    this.remember(job);
    let report: WriteStream | null = null;
    const reject = async (line: number, reason: string) => {
      job.rejected++;
      if (!report) {
        report = createWriteStream(job.file);
        job.rejectedReport = `/api/imports/${id}/rejected.csv`;
        report.write(csvLine(['line', 'reason']));
      }
      if (!report.write(csvLine([line, reason]))) await once(report, 'drain');
    };
    const skipped: { line: number; reason: string }[] = [];
    let lastSkippedLine: number | undefined;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        job.bytes += chunk.length;
        done(null, chunk);
      },
    });
    const parser = parse({
      columns: (header: string[]) => header.map(csvColumn),
      bom: true,
      info: true,
      trim: false,
      skip_empty_lines: true,
      // a malformed line (wrong number of cells, a broken quote) is reported, not fatal
      skip_records_with_error: true,
      on_skip: (error: { message: string; lines?: number } | undefined) => {
        // one broken line can be reported once per bad quote in it: it is one row, rejected for its first problem
        if (!error || error.lines === lastSkippedLine) return;
        lastSkippedLine = error.lines;
        skipped.push({ line: error.lines ?? 0, reason: `malformed CSV: ${error.message}` });
      },
    });
    upload.on('error', (error) => parser.destroy(error));
    upload.pipe(counter).pipe(parser);
    const toItem = kind === 'contacts' ? contactFromCsv : eventFromCsv;
    // malformed lines wait in the batch too, so the report lists every rejection in line order
    let batch: { line: number; item?: Record<string, unknown>; error?: string }[] = [];
    let lastReport = 0;
    // one batch is stored while the next one is parsed (at most one in flight, so batches stay in order)
    let inFlight: Promise<void> = Promise.resolve();
    const store = async (rows: typeof batch) => {
      const parsed = rows.filter((b) => b.item);
      const result = parsed.length
        ? kind === 'contacts'
          ? await this.contacts.upsert(parsed.map((b) => b.item))
          : await this.events.ingest(parsed.map((b) => b.item))
        : { accepted: 0, rejected: [] };
      job.accepted += result.accepted;
      for (const r of result.rejected) parsed[r.index].error = r.error.replace(/^\[\d+\]\.?/, '');
      for (const b of rows) if (b.error) await reject(b.line, b.error);
    };
    const flush = async () => {
      const rows = batch;
      batch = [];
      await inFlight;
      inFlight = rows.length ? store(rows) : Promise.resolve();
    };
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: CsvRecord; info: { lines: number } }>) {
        // the parser reads ahead: a malformed line is reported when the records before it have been taken
        while (skipped.length && skipped[0].line < info.lines) {
          const s = skipped.shift()!;
          job.rows++;
          batch.push({ line: s.line, error: s.reason });
        }
        job.rows++;
        batch.push({ line: info.lines, item: toItem(record) });
        if (batch.length >= BATCH) await flush();
        if (performance.now() - lastReport > 500) {
          lastReport = performance.now();
          onProgress(this.progress(job, started));
        }
      }
      for (const s of skipped.splice(0)) {
        job.rows++;
        batch.push({ line: s.line, error: s.reason });
      }
      await flush();
      await inFlight;
      job.status = 'done';
    } catch (error) {
      await inFlight.catch(() => undefined);
      job.status = 'failed';
      job.error = (error as Error).message;
    } finally {
      if (report) {
        const r = report as WriteStream;
        r.end();
        await once(r, 'close');
      }
    }
    const final = this.progress(job, started);
    onProgress(final);
    return final;
  }

  get(id: string): ImportProgress {
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundException(`import "${id}" not found`);
    return this.view(job);
  }

  /** The rejected rows report as a stream (header only when nothing was rejected). */
  rejectedReport(id: string): Readable | string {
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundException(`import "${id}" not found`);
    if (!job.rejectedReport) return csvLine(['line', 'reason']);
    return createReadStream(job.file);
  }

  private progress(job: Job, started: number): ImportProgress {
    job.elapsedMs = Math.round(performance.now() - started);
    job.percent = job.totalBytes ? Math.min(100, Math.round((100 * job.bytes) / job.totalBytes)) : null;
    return this.view(job);
  }

  private view(job: Job): ImportProgress {
    const { file: _file, ...view } = job;
    return { ...view };
  }

  private remember(job: Job): void {
    this.jobs.set(job.importId, job);
    for (const [id, old] of this.jobs) {
      if (this.jobs.size <= KEEP) break;
      if (old.status === 'running') continue;
      rmSync(old.file, { force: true });
      this.jobs.delete(id);
    }
  }
}
