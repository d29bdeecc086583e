import { validateFlow } from '../validate';
import { flowTemplates } from '.';

describe('flowTemplates', () => {
  it('starts with the weekly check-in template', () => {
    expect(flowTemplates[0].id).toBe('weekly-checkin');
  });

  it.each(flowTemplates.map((t) => [t.id, t] as const))('%s passes validateFlow', (_id, template) => {
    const result = validateFlow(template.graph);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has unique ids', () => {
    expect(new Set(flowTemplates.map((t) => t.id)).size).toBe(flowTemplates.length);
  });
});
