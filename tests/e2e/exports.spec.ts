/**
 * CSV exports page through a flow with a keyset (journeys in the order they entered, messages by id), so an export of
 * any size holds one page at a time. Hostile case: thousands of journeys entering at the same instant (one enrollment
 * tick stamps them all alike) and entry times a JavaScript Date cannot carry (microseconds) — pages of 2,000 must
 * still yield every journey exactly once. The journeys screen reads the same keyset newest first.
 */
import { ApiHarness, startApi } from '../support/api-app';
import { tinyGraph } from '../support/api-fixtures';

let api: ApiHarness;
let flowId: string;
const JOURNEYS = 4_500;

beforeAll(async () => {
  api = await startApi('exports');
  flowId = await api.activeFlow('Exported', tinyGraph());
  await api.sql(
    `INSERT INTO contacts (external_id, created_at, updated_at) SELECT 'x' || lpad(g::text, 5, '0'), now(), now() FROM generate_series(1, $1) g`,
    [JOURNEYS],
  );
  // 4,000 in one instant (and 2 more); 498 more a few microseconds later, three to an instant
  await api.sql(
    `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, entered_at, ended_at)
     SELECT $1, 1, c.id, 'completed', 'm',
            CASE WHEN n <= 4000 THEN timestamptz '2026-11-02 10:00:00+00'
                 ELSE timestamptz '2026-11-02 10:00:00+00' + ((n - 4000) / 3) * interval '1 microsecond' END,
            timestamptz '2026-11-03 10:00:00+00'
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts) c`,
    [flowId],
  );
});
afterAll(() => api?.close());

it('exports every journey once across pages of 2,000, even when thousands entered at the same instant', async () => {
  const csv = await api.http().get(`/api/flows/${flowId}/export/journeys.csv`).set('Authorization', api.admin).expect(200);
  const [header, ...rows] = csv.text.trim().split('\r\n');
  expect(header.split(',')[0]).toBe('journey_id');
  expect(rows).toHaveLength(JOURNEYS);
  expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(JOURNEYS);
  expect(new Set(rows.map((r) => r.split(',')[2])).size).toBe(JOURNEYS);
  // in the order they entered: the 498 entered after the first instant last
  const [{ n: laterAtEnd }] = await api.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM journeys WHERE id = ANY ($1::uuid[]) AND entered_at > '2026-11-02 10:00:00+00'`,
    [rows.slice(-498).map((r) => r.split(',')[0])],
  );
  expect(laterAtEnd).toBe(498);
});

it('pages the journeys screen newest first through the same instants without losing or repeating one', async () => {
  const seen = new Set<string>();
  let next: string | null = null;
  for (let page = 0; page < 60; page++) {
    const url: string = `/api/flows/${flowId}/journeys?limit=100${next ? `&cursor=${encodeURIComponent(next)}` : ''}`;
    const res = await api.http().get(url).set('Authorization', api.admin).expect(200);
    for (const j of res.body.items as { id: string }[]) {
      expect(seen.has(j.id)).toBe(false);
      seen.add(j.id);
    }
    next = res.body.nextCursor ?? null;
    if (!next) break;
  }
  expect(seen.size).toBe(JOURNEYS);
});
