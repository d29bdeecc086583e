import { validateFlow } from '../validate';
import { demoFlows } from './demo-playbooks';

describe('demo flows', () => {
  it.each(demoFlows.map((f) => [f.key, f] as const))('%s passes validateFlow', (_key, flow) => {
    const result = validateFlow(flow.graph);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has every message in Chinese and English', () => {
    for (const flow of demoFlows) {
      const channels = flow.graph.nodes.filter((n) => n.type === 'channel').map((n) => n.id);
      expect(channels.filter((id) => id.endsWith('Zh')).length).toBe(channels.filter((id) => id.endsWith('En')).length);
      expect(channels.length).toBeGreaterThan(0);
    }
  });
});
