import { validateFlow } from '../validate';
import { demoFlows } from './demo-playbooks';

describe('demo flows', () => {
  it.each(demoFlows.map((f) => [f.key, f] as const))('%s passes validateFlow', (_key, flow) => {
    const result = validateFlow(flow.graph);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(demoFlows.map((f) => [f.key, f] as const))('%s carries no warning: every exit is connected or ends on purpose', (_key, flow) => {
    expect(validateFlow(flow.graph).warnings).toEqual([]);
  });

  it('still warns about an exit left unconnected without saying it ends there', () => {
    const graph = demoFlows[0].graph;
    const careless = { ...graph, nodes: graph.nodes.map(({ ends: _ends, ...n }) => n) };
    expect(validateFlow(careless).warnings.map((w) => w.code)).toContain('handle.unconnected');
  });

  it('has every message in Chinese and English', () => {
    for (const flow of demoFlows) {
      const channels = flow.graph.nodes.filter((n) => n.type === 'channel').map((n) => n.id);
      expect(channels.filter((id) => id.endsWith('Zh')).length).toBe(channels.filter((id) => id.endsWith('En')).length);
      expect(channels.length).toBeGreaterThan(0);
    }
  });

  it('shows the win-back intelligence of issue 24: layers, an experiment split and a best-hour delay', () => {
    const nodes = demoFlows.flatMap((f) => f.graph.nodes);
    expect(nodes.some((n) => n.type === 'condition' && 'branches' in n.data)).toBe(true);
    expect(nodes.some((n) => n.type === 'condition' && 'split' in n.data && n.data.experiment !== undefined)).toBe(true);
    expect(nodes.some((n) => n.type === 'delay' && 'bestHour' in n.data)).toBe(true);
  });
});
