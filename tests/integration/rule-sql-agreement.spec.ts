/**
 * `ruleToSql` (set-based enrollment) and the core's `evaluateRule` (the step interpreter) must agree on every contact:
 * random rules over random contacts in random zones, with events placed around the rule windows' edges and `now`
 * drawn around DST changes (New York, London, Lord Howe's half hour, Chatham, São Paulo, an invalid zone).
 */
import fc from 'fast-check';
import type { Pool } from 'pg';
import { defaultEngineSettings, evaluateRule, type ContactFacts, type Rule } from '@boomerang/engine';
import { ruleToSql, SqlParams } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';

let database: MigratedDatabase;
let db: Pool;
beforeAll(async () => {
  database = await createMigratedDatabase('rule_sql');
  db = poolOf(database.dataSource);
});
afterAll(() => database.close());

const HOUR = 3_600_000;
const zones = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'Asia/Shanghai',
  'Not/AZone',
];
// DST changes of 2026 (UTC instants) in the zones above
const transitions = [
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:30:00Z',
  '2026-04-04T14:00:00Z',
  '2026-09-26T14:00:00Z',
].map((t) => Date.parse(t));
const windows: Record<string, number> = {
  PT36H: 36 * HOUR,
  P1D: 24 * HOUR,
  P2D: 48 * HOUR,
  P1W: 168 * HOUR,
  P1M: 30 * 24 * HOUR,
  P1DT2H: 26 * HOUR,
  'P0.5D': 12 * HOUR,
};

const countArb = fc.oneof(
  fc.record({ gte: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ lt: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ eq: fc.integer({ min: 0, max: 2 }) }),
);
const scalar = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom('2', '3.5', 'gold', 'silver', ''), fc.boolean());
const leafArb: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({ event: fc.constantFrom('a', 'b'), within: fc.constantFrom(...Object.keys(windows)), count: countArb }) as fc.Arbitrary<Rule>,
  fc.record({ active: fc.boolean() }) as fc.Arbitrary<Rule>,
  fc.oneof(
    fc.record({
      attribute: fc.constantFrom('tier', 'n', 'tags'),
      op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'),
      value: scalar,
    }),
    fc.record({ attribute: fc.constantFrom('tier', 'n', 'tags'), op: fc.constant('exists'), value: fc.boolean() }),
    fc.record({
      attribute: fc.constantFrom('tier', 'tags'),
      op: fc.constantFrom('in', 'contains'),
      value: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
    }),
  ) as fc.Arbitrary<Rule>,
);
const ruleArb: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ all: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Rule>,
    fc.record({ any: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Rule>,
    fc.record({ not: tie('rule') }) as fc.Arbitrary<Rule>,
  ),
})).rule;

interface Scenario {
  now: number;
  contacts: {
    zone: string;
    attributes: Record<string, unknown>;
    events: { name: string; at: number; activity: boolean }[];
  }[];
}

/** `now` near a DST change; events near `now - window` (the edges that can disagree) and spread over the days. */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    transition: fc.constantFrom(...transitions),
    // either a window's start falls within hours of the DST change, or anywhere in the month after it
    after: fc.oneof(
      fc
        .record({ window: fc.constantFrom(...Object.values(windows)), quarter: fc.integer({ min: -12, max: 12 }) })
        .map(({ window, quarter }) => window + quarter * 15 * 60_000),
      fc.integer({ min: -40, max: 24 * 33 }).map((h) => h * HOUR),
    ),
    minute: fc.constantFrom(0, 15, 30, 59),
  })
  .chain(({ transition, after, minute }) => {
    const now = transition + after + minute * 60_000;
    const eventAt = fc.oneof(
      fc
        .record({
          window: fc.constantFrom(...Object.values(windows)),
          quarter: fc.integer({ min: -12, max: 12 }),
          ms: fc.constantFrom(-1, 0, 1),
        })
        .map(({ window, quarter, ms }) => now - window + quarter * 15 * 60_000 + ms),
      fc.integer({ min: 0, max: 9 * 24 }).map((h) => now - h * HOUR),
      fc.constant(now + 1), // the future never counts
    );
    return fc.record({
      now: fc.constant(now),
      contacts: fc.array(
        fc.record({
          zone: fc.constantFrom(...zones),
          attributes: fc.record({ tier: scalar, n: scalar, tags: fc.array(scalar, { maxLength: 3 }) }, { requiredKeys: [] }),
          events: fc.array(fc.record({ name: fc.constantFrom('a', 'b'), at: eventAt, activity: fc.boolean() }), { maxLength: 10 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    });
  });

describe('ruleToSql agrees with evaluateRule', () => {
  it('on random rules, contacts, zones (DST days included) and events', async () => {
    await fc.assert(
      fc.asyncProperty(ruleArb, scenarioArb, async (rule, scenario) => {
        await db.query(`TRUNCATE contacts CASCADE`);
        const now = new Date(scenario.now);
        const inserted = await db.query<{ id: string }>(
          `INSERT INTO contacts (external_id, timezone, attributes, created_at, updated_at)
           SELECT 'c' || n, z, a, $3, $3 FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS x(z, a, n) ORDER BY n RETURNING id::text`,
          [scenario.contacts.map((c) => c.zone), scenario.contacts.map((c) => JSON.stringify(c.attributes)), new Date(0)],
        );
        const ids = inserted.rows.map((r) => r.id);
        const events = scenario.contacts.flatMap((c, i) => c.events.map((e) => ({ ...e, contact: ids[i] })));
        if (events.length) {
          await db.query(
            `INSERT INTO events (contact_id, name, occurred_at, is_activity, received_at)
             SELECT unnest($1::bigint[]), unnest($2::text[]), unnest($3::timestamptz[]), unnest($4::boolean[]), $5`,
            [
              events.map((e) => e.contact),
              events.map((e) => e.name),
              events.map((e) => new Date(e.at)),
              events.map((e) => e.activity),
              now,
            ],
          );
        }
        const params = new SqlParams();
        const nowP = params.add(now);
        const where = ruleToSql(rule, 'c.attributes', {
          params,
          contactId: 'c.id',
          timezone: 'c.timezone',
          now: nowP,
          activity: defaultEngineSettings.activity,
        });
        const matched = await db.query<{ id: string }>(
          `SELECT c.id::text FROM contacts c WHERE ${nowP}::timestamptz IS NOT NULL AND ${where} ORDER BY c.id`,
          params.values,
        );
        const expected = scenario.contacts
          .map((c, i) => {
            const facts: ContactFacts = {
              contactId: ids[i],
              externalId: `c${i}`,
              timezone: c.zone === 'Not/AZone' ? 'UTC' : c.zone,
              attributes: c.attributes,
              consent: {},
              lastActiveAt: null,
              events: c.events
                .map((e) => ({ name: e.name, occurredAt: new Date(e.at), properties: {}, activity: e.activity }))
                .sort((x, y) => x.occurredAt.getTime() - y.occurredAt.getTime()),
              recentSends: [],
            };
            return evaluateRule(rule, facts, now, { settings: defaultEngineSettings }).result ? ids[i] : null;
          })
          .filter((id): id is string => id !== null);
        expect(matched.rows.map((r) => r.id)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
