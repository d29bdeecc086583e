import { previewMessage } from './preview';

const contact = { externalId: 'u1', timezone: 'UTC', attributes: { firstName: 'Li' } };
const settings = { publicUrl: 'http://localhost:3000', channelCosts: { push: 0, email: 0, sms: 0, webhook: 0 } };
const context = { flow: { id: 'f', name: 'F' }, messageId: 'm' };

describe('previewMessage: missing variables', () => {
  it('names a variable the contact lacks', () => {
    const p = previewMessage({ channel: 'sms', template: { body: 'Hi {{firstName}} from {{company}}' } }, contact, settings, context);
    expect(p.missingVariables).toEqual(['company']);
  });

  it('does not call a variable with a `default` fallback missing', () => {
    const p = previewMessage(
      { channel: 'sms', template: { body: 'Hi {{firstName}} from {{default company "your shop"}}' } },
      contact,
      settings,
      context,
    );
    expect(p.missingVariables).toEqual([]);
    expect(p.content.body).toContain('from your shop');
  });
});
