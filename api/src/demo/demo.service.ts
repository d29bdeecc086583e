import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ingestEventRows } from '@boomerang/engine/runtime';
import { demoFlows } from '@boomerang/engine';
import { NOW, NowSource } from '../common/clock';
import { ContactsService, EventsService } from '../contacts/contacts.service';
import { defaultWorkspaceSettings } from '../settings/settings.dto';
import { DEMO_SEED, demoContact, generateDemoData, prng } from './demo-data';
import { DemoRepository } from './demo.repository';

const EVENTS_PER_STATEMENT = 5_000;
/** Share of each demo flow's contacts held out (the workspace default). */
const DEMO_HOLDOUT_PERCENT = 10;
/** Share of the demo's sent messages with a link that their contact taps (ten minutes or more after the send). */
const DEMO_CLICK_PERCENT = 15;

export interface SeedReport {
  seeded: boolean;
  reason?: string;
  contacts?: number;
  events?: number;
  flows?: string[];
}

/**
 * The demo workspace (issue 11): `seedIfEmpty` writes 5,000 synthetic contacts, their 60 days of behaviour (through
 * the engine's ingest statement, so last activity and the trigger inbox are right) and the four seed playbooks as
 * active flows, in one transaction, and only into an empty database. `startTraffic` keeps behaviour coming through
 * the public ingestion path (the services behind `POST /api/contacts` and `POST /api/events`), and only in a
 * workspace marked as the demo.
 */
@Injectable()
export class DemoService implements OnApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private timer: NodeJS.Timeout | null = null;
  private round = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly demo: DemoRepository,
    private readonly contacts: ContactsService,
    private readonly events: EventsService,
    @Inject(NOW) private readonly clock: NowSource,
  ) {}

  async seedIfEmpty(options: { contacts?: number } = {}): Promise<SeedReport> {
    const now = await this.clock.now();
    return this.demo.transaction(async (tx) => {
      await this.demo.lock(tx);
      if (!(await this.demo.isEmpty(tx))) return { seeded: false, reason: 'the database is not empty' };
      const data = generateDemoData(now, { contacts: options.contacts });
      await this.demo.insertContacts(tx, data.contacts, now);
      // history first, flows after: past sign-ups must not enrol as if they had just happened
      for (let i = 0; i < data.events.length; i += EVENTS_PER_STATEMENT) {
        await ingestEventRows(tx, data.events.slice(i, i + EVENTS_PER_STATEMENT), now, defaultWorkspaceSettings);
      }
      const flows: string[] = [];
      for (const flow of demoFlows) flows.push(await this.demo.insertActiveFlow(tx, flow.name, flow.graph, DEMO_HOLDOUT_PERCENT, now));
      await this.demo.markDemo(tx, DEMO_SEED, now, data.contacts.length, data.events.length);
      return { seeded: true, contacts: data.contacts.length, events: data.events.length, flows };
    });
  }

  /** Starts the behaviour generator (one round every `everyMs`); refuses outside a demo workspace. */
  async startTraffic(everyMs = 5_000): Promise<boolean> {
    if (this.timer) return true;
    if (!(await this.demo.isDemoWorkspace())) {
      this.logger.warn('DEMO_TRAFFIC=on ignored: this workspace was not seeded as the demo');
      return false;
    }
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.trafficRound()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`demo traffic: ${(error as Error).message}`))
        .finally(() => (this.running = null));
    }, everyMs);
    this.timer.unref();
    this.logger.log(`demo traffic on: new sign-ups, visits, carts, orders and transactions every ${everyMs / 1000} s`);
    return true;
  }

  async stopTraffic(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopTraffic();
  }

  /**
   * One round: two or three sign-ups, visits, carts, orders and merchant transactions from a random sample of
   * contacts, and clicks on 15 % of the messages sent with a link (each followed by an app visit), all stamped by the
   * engine clock. Checks the demo marker every round (a restored real database is safe).
   */
  async trafficRound(): Promise<{ signups: number; events: number }> {
    if (!(await this.demo.isDemoWorkspace())) throw new Error('not a demo workspace: demo traffic refused');
    const round = ++this.round;
    const rand = prng(DEMO_SEED + round);
    const now = await this.clock.now();
    const signups = Array.from({ length: 2 + Math.floor(rand() * 2) }, (_, i) =>
      demoContact(rand, `demo-live-${now.getTime().toString(36)}-${round}-${i}`, now),
    );
    await this.contacts.upsert(
      signups.map((c) => ({ externalId: c.externalId, timezone: c.timezone, consent: c.consent, attributes: c.attributes })),
    );
    const events: { externalId: string; name: string; properties?: Record<string, unknown> }[] = signups.map((c) => ({
      externalId: c.externalId,
      name: 'signed_up',
      properties: { source: 'demo-traffic' },
    }));
    for (const contact of await this.demo.sampleContacts(40)) {
      const id = contact.external_id;
      if (rand() < 0.7) events.push({ externalId: id, name: 'app_open' });
      if (rand() < 0.1) events.push({ externalId: id, name: 'cart_updated', properties: { items: 1 + Math.floor(rand() * 3) } });
      if (rand() < 0.08) events.push({ externalId: id, name: 'order_paid', properties: { amount: 20 + Math.floor(rand() * 200) } });
      if (contact.attributes.merchant === true && rand() < 0.5)
        events.push({ externalId: id, name: 'transaction', properties: { amount: 5 + Math.floor(rand() * 400) } });
    }
    // some messaged contacts tap their link and come back through it: the demo funnel has every stage
    for (const externalId of await this.demo.clickSomeMessages(now, DEMO_CLICK_PERCENT, 10, 50)) {
      events.push({ externalId, name: 'app_open', properties: { source: 'demo-click' } });
    }
    const result = await this.events.ingest(events);
    return { signups: signups.length, events: result.accepted };
  }
}
