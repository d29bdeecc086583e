import { addMonths, monthBounds, monthOf, planMonthlyPartitions, monthsToKeep } from './partitions';

describe('monthly partitions', () => {
  it('names UTC months and steps across years', () => {
    expect(monthOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
    expect(monthOf(new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01');
    expect(addMonths('2026-11', 3)).toBe('2027-02');
    expect(addMonths('2026-01', -13)).toBe('2024-12');
    expect(monthBounds('2026-12')).toEqual({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
  });

  it('creates last month to three months ahead of the latest clock, only what is missing', () => {
    const now = new Date('2026-12-06T07:00:00Z');
    expect(planMonthlyPartitions([], [now], 13)).toEqual({ create: ['2026-11', '2026-12', '2027-01', '2027-02', '2027-03'], drop: [] });
    expect(planMonthlyPartitions(['2026-11', '2026-12', '2027-01'], [now], 13).create).toEqual(['2027-02', '2027-03']);
  });

  it('covers a virtual clock running ahead of the wall clock, and retains by the earlier of the two', () => {
    const wall = new Date('2026-12-06T07:00:00Z');
    const virtual = new Date('2027-06-20T00:00:00Z');
    const plan = planMonthlyPartitions(['2025-10', '2025-11', '2025-12', '2026-01'], [wall, virtual], 13);
    expect(plan.create[0]).toBe('2026-11');
    expect(plan.create.at(-1)).toBe('2027-09');
    // keep December 2026 and the 13 months before it: November 2025 on; October 2025 may go
    expect(plan.drop).toEqual(['2025-10']);
  });

  it('drops nothing inside retention, and everything older in order', () => {
    const now = new Date('2026-12-06T07:00:00Z');
    expect(planMonthlyPartitions(['2026-10', '2026-11', '2026-12'], [now], 1).drop).toEqual(['2026-10']);
    expect(planMonthlyPartitions(['2026-09', '2026-07', '2026-12'], [now], 2).drop).toEqual(['2026-07', '2026-09']);
    expect(planMonthlyPartitions(['2026-10', '2026-11', '2026-12'], [now], 2).drop).toEqual([]);
  });
});

describe('monthsToKeep', () => {
  const DAY = 86_400_000;
  it('is the setting unless something live looks back further', () => {
    expect(monthsToKeep(13, 90 * DAY)).toBe(13);
    expect(monthsToKeep(1, 8 * DAY)).toBe(1);
  });

  it('keeps enough whole months to reach back past a long look-back from any day of the month', () => {
    // 400 days from 1 March reaches back to late January of the year before: 15 whole months (28-day months at least)
    expect(monthsToKeep(13, 400 * DAY)).toBe(15);
    expect(monthsToKeep(1, 29 * DAY)).toBe(2);
    expect(monthsToKeep(1, 28 * DAY)).toBe(1);
  });
});
