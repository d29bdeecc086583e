import { prng as rng } from '../prng';
import { pickExperimentWinner } from './experiment';

const trial = (rates: number[], perArm: number, rand: () => number) =>
  rates.map((p, i) => ({
    id: String.fromCharCode(97 + i),
    journeys: perArm,
    successes: Array.from({ length: perArm }, () => rand() < p).filter(Boolean).length,
  }));

describe('pickExperimentWinner', () => {
  it('names the leader when it beats every other arm, with the numbers it saw', () => {
    const v = pickExperimentWinner(
      [
        { id: 'a', journeys: 2000, successes: 240 },
        { id: 'b', journeys: 2000, successes: 160 },
      ],
      500,
    );
    expect(v.winner).toBe('a');
    expect(v.level).toBe(0.95);
    expect(v.comparisons[0]).toMatchObject({ arm: 'a', against: 'b' });
    expect(v.comparisons[0].difference).toBeCloseTo(0.04, 12);
    expect(v.comparisons[0].low).toBeGreaterThan(0);
    expect(v.reason).toMatch(/^“a” wins with 12\.0 %: \+4\.0 pp over “b” \(\+[\d.]+ pp to \+[\d.]+ pp\)/);
  });

  it.each([
    [
      'too few contacts',
      [
        { id: 'a', journeys: 100, successes: 50 },
        { id: 'b', journeys: 600, successes: 6 },
      ],
      /“a” has 100 of the 500 needed/,
    ],
    [
      'equal arms',
      [
        { id: 'a', journeys: 2000, successes: 200 },
        { id: 'b', journeys: 2000, successes: 201 },
      ],
      /no arm beats every other/,
    ],
    // three arms: the leader must beat both; b is as good as a
    [
      'a tie at the top',
      [
        { id: 'a', journeys: 2000, successes: 240 },
        { id: 'b', journeys: 2000, successes: 235 },
        { id: 'c', journeys: 2000, successes: 120 },
      ],
      /over “b” \(−/,
    ],
  ])('no winner: %s', (_name, arms, reason) => {
    const v = pickExperimentWinner(arms, 500);
    expect(v.winner).toBeNull();
    expect(v.reason).toMatch(reason);
  });

  it('corrects for the number of comparisons (three arms: 1 − 0.05 / 2 per comparison)', () => {
    expect(pickExperimentWinner(trial([0.1, 0.1, 0.1], 10, rng(1)), 1).level).toBeCloseTo(0.975, 12);
  });

  // 12 % vs 8 % over 4,000 contacts (2,000 an arm): the right winner almost always; 10 % vs 10 %: almost never one
  it('over 400 seeded trials: 12 % vs 8 % picks "a" nearly always and never "b"; 10 % vs 10 % rarely picks anyone', () => {
    const rand = rng(42);
    const apart = Array.from({ length: 400 }, () => pickExperimentWinner(trial([0.12, 0.08], 2000, rand), 500).winner);
    const equal = Array.from({ length: 400 }, () => pickExperimentWinner(trial([0.1, 0.1], 2000, rand), 500).winner);
    expect(apart.filter((w) => w === 'b')).toHaveLength(0);
    expect(apart.filter((w) => w === 'a').length).toBeGreaterThan(400 * 0.95);
    // the false-winner rate stays under the 5 % the test promises (binomial slack: ≤ 8 % of 400)
    expect(equal.filter((w) => w !== null).length).toBeLessThanOrEqual(32);
  });
});
