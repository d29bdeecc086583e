import { loadConfig } from '../config';

describe('DEMO_TRAFFIC', () => {
  it.each([
    [{}, 'on', 'on'],
    [{ DATABASE_URL: 'postgres://db/x' }, 'off', 'off'],
    [{ DATABASE_URL: 'postgres://db/x', DEMO: 'on' }, 'on', 'on'],
    [{ DEMO_TRAFFIC: 'off' }, 'on', 'off'],
  ])('%j → DEMO %s, DEMO_TRAFFIC %s', (env, demo, traffic) => {
    expect(loadConfig(env)).toMatchObject({ DEMO: demo, DEMO_TRAFFIC: traffic });
  });

  it('names the variable when the value is bad', () => {
    expect(() => loadConfig({ DEMO_TRAFFIC: 'sometimes' })).toThrow(/^\s+DEMO_TRAFFIC: /m);
  });
});
