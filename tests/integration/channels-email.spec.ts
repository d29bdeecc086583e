/**
 * Email over SMTP into a real SMTP sink (smtp-server on 127.0.0.1): multipart HTML + text, the tracking links,
 * RFC 8058 one-click unsubscribe headers, the idempotency key as Message-ID; a 550 is permanent; a refused
 * connection is retried.
 */
import type { Pool } from 'pg';
import type { FlowGraphDocument } from '@boomerang/engine';
import { VirtualClock } from '@boomerang/engine';
import { checkSubscriptionLinkToken } from '@boomerang/engine/core/link-token';
import { buildChannelAdapters, dispatchOnce, defaultDispatchOptions, Engine, type BuiltAdapters } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { createActiveFlow, seedContacts } from '../support/engine-fixtures';
import { refusedPort, startSmtpSink, type SmtpSink } from '../support/provider-stubs';

const T0 = new Date('2026-03-02T12:00:00Z');
const PUBLIC_URL = 'https://win.example';

let database: MigratedDatabase;
let db: Pool;
let sink: SmtpSink;
let built: BuiltAdapters | null = null;

beforeEach(async () => {
  database = await createMigratedDatabase('channels_email');
  db = poolOf(database.dataSource);
  sink = await startSmtpSink();
});
afterEach(async () => {
  await built?.close();
  built = null;
  await sink.close();
  await database.close();
});

const graph = (template: Record<string, string>): FlowGraphDocument =>
  ({
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule: { attribute: 'seg', op: 'exists' } } },
      { id: 'm', type: 'channel', position: { x: 0, y: 1 }, data: { channel: 'email', template } },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  }) as unknown as FlowGraphDocument;

function engineFor(smtpUrl: string): Engine {
  built = buildChannelAdapters({ publicUrl: PUBLIC_URL, timeoutMs: 2000, smtp: { url: smtpUrl, from: 'Shop <hello@shop.example>' } });
  return new Engine({
    db,
    clock: new VirtualClock(db, () => T0),
    publicUrl: PUBLIC_URL,
    adapters: built.adapters,
    dispatch: { backoffMs: 1000 },
  });
}

describe('email adapter over SMTP', () => {
  it('delivers multipart HTML + text with tracking links, RFC 8058 headers and the key as Message-ID', async () => {
    await seedContacts(db, 2, {
      prefix: 'e',
      attributes: (i) => ({ seg: 1, email: `e${i}@example.com`, firstName: i ? '<b>Bob</b>' : 'Li' }),
    });
    await createActiveFlow(
      db,
      graph({
        subject: 'We miss you, {{firstName}}',
        html: '<p>Hello {{firstName}}</p><a href="{{links.click}}">Come back</a> <a href="{{links.unsubscribe}}">Unsubscribe</a>',
        text: 'Hello {{firstName}}, come back: {{links.click}}',
        url: 'https://shop.example/back',
      }),
    );
    const report = await engineFor(sink.url).tick(T0);
    expect(report.sent).toBe(2);
    expect(sink.mails).toHaveLength(2);
    const rows = (
      await db.query(
        `SELECT m.id, m.idempotency_key, m.status, c.external_id FROM messages m JOIN contacts c ON c.id = m.contact_id ORDER BY c.external_id`,
      )
    ).rows;
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    for (const row of rows) {
      const i = Number(row.external_id.slice(1));
      const mail = sink.mails.find((m) => m.envelopeTo[0] === `e${i}@example.com`)!;
      expect(mail.from?.value[0]).toMatchObject({ name: 'Shop', address: 'hello@shop.example' });
      expect(mail.messageId).toBe(`<${row.idempotency_key.replace(':', '.')}@shop.example>`);
      const raw = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
      expect(raw('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      // the unsubscribe link is signed for this message (the header's is made at send time, the body's when queued)
      const [{ key }] = (await db.query(`SELECT key FROM link_keys`)).rows;
      const header = new RegExp(`^List-Unsubscribe: <${PUBLIC_URL}/t/u/(${row.id}\\.[^>]+)>$`).exec(raw('list-unsubscribe') ?? '');
      expect(checkSubscriptionLinkToken(key, header?.[1] ?? '', T0)).toEqual({ ok: true, messageId: row.id });
      expect(mail.text).toContain(`${PUBLIC_URL}/t/c/${row.id}`);
      expect(mail.html).toContain(`href="${PUBLIC_URL}/t/c/${row.id}"`);
      const inBody = new RegExp(`href="${PUBLIC_URL}/t/u/([^"]+)"`).exec(mail.html as string);
      expect(checkSubscriptionLinkToken(key, inBody?.[1] ?? '', T0)).toEqual({ ok: true, messageId: row.id });
      expect(mail.html).toContain(`src="${PUBLIC_URL}/t/o/${row.id}"`); // open pixel
    }
    const bob = sink.mails.find((m) => m.envelopeTo[0] === 'e1@example.com')!;
    expect(bob.subject).toBe('We miss you, <b>Bob</b>'); // plain text fields are not escaped…
    expect(bob.html).toContain('Hello &lt;b&gt;Bob&lt;/b&gt;'); // …HTML escapes variables
  });

  it('a 550 for the recipient is a permanent failure and a hard bounce: email consent is withdrawn', async () => {
    sink.rejectRecipients.add('gone@example.com');
    await seedContacts(db, 1, { prefix: 'x', attributes: () => ({ seg: 1, email: 'gone@example.com' }) });
    await createActiveFlow(db, graph({ subject: 'Hi', text: 'Hello' }));
    const report = await engineFor(sink.url).tick(T0);
    expect(report.failed).toBe(1);
    const [m] = (await db.query(`SELECT status, last_error FROM messages`)).rows;
    expect(m.status).toBe('failed');
    expect(m.last_error).toMatch(/^SMTP 550/);
    expect(sink.mails).toHaveLength(0);
    expect((await db.query(`SELECT consent FROM contacts`)).rows[0].consent).toMatchObject({ email: false });
    const [log] = (await db.query(`SELECT detail FROM journey_log WHERE kind = 'delivery'`)).rows;
    expect(log.detail).toMatchObject({ status: 'failed', hardBounce: true, consentCleared: true });
  });

  it('a stored address that is not one addr-spec is refused before SMTP: one contact is never many recipients', async () => {
    // written around the ingestion check (issue 20): a list with a display name, and a header injection
    const hostile = ['a@x.test, b@y.test, "S" <c@z.test>', 'u@x.test\r\nBcc: e@evil.test'];
    await seedContacts(db, 2, { prefix: 'h', attributes: (i) => ({ seg: 1, email: hostile[i] }) });
    await createActiveFlow(db, graph({ subject: 'Hi', text: 'Hello' }));
    const report = await engineFor(sink.url).tick(T0);
    expect(report.failed).toBe(2);
    for (const m of (await db.query(`SELECT status, last_error FROM messages`)).rows) {
      expect(m).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^the contact's email must be/) });
    }
    expect(sink.mails).toHaveLength(0);
  });

  it('a refused SMTP connection is retried, then delivered once', async () => {
    await seedContacts(db, 1, { prefix: 'r', attributes: () => ({ seg: 1, email: 'r@example.com' }) });
    await createActiveFlow(db, graph({ subject: 'Hi', text: 'Hello' }));
    await engineFor(`smtp://127.0.0.1:${await refusedPort()}`).tick(T0);
    expect((await db.query(`SELECT status, attempts FROM messages`)).rows[0]).toEqual({ status: 'queued', attempts: 1 });
    await built!.close();
    built = buildChannelAdapters({ publicUrl: PUBLIC_URL, timeoutMs: 2000, smtp: { url: sink.url, from: 'hello@shop.example' } });
    const round = await dispatchOnce(db, new Date(T0.getTime() + 1000), { ...defaultDispatchOptions, adapters: built.adapters });
    expect(round.sent).toBe(1);
    expect(sink.mails).toHaveLength(1);
  });
});
