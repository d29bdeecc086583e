import { defaultWorkspaceSettings, engineSettingsFrom, workspaceSettingsSchema } from './settings';
import { defaultEngineSettings } from './types';

describe('engineSettingsFrom', () => {
  it('parses each stored key over the defaults', () => {
    const { settings, ignored } = engineSettingsFrom({
      activity: { minDays: 2, windowDays: 5 },
      quietHours: null,
      frequencyCaps: [{ channel: 'sms', max: 1, per: 'P7D' }],
      attributionWindow: 'P2D',
      channelCosts: { sms: 7 },
    });
    expect(ignored).toEqual([]);
    expect(settings).toMatchObject({
      activity: { minDays: 2, windowDays: 5 },
      quietHours: null,
      frequencyCaps: [{ channel: 'sms', max: 1, per: 'P7D' }],
      attributionWindow: 'P2D',
      channelCosts: { email: 0, push: 0, sms: 7, webhook: 0 },
      maxStepsPerAdvance: defaultEngineSettings.maxStepsPerAdvance,
    });
  });

  it.each([
    ['activity', { minDays: 'three' }],
    ['quietHours', { start: '25:00', end: '09:00' }],
    ['frequencyCaps', [{ channel: 'fax', max: 1, per: 'P1D' }]],
    ['attributionWindow', '3 days'],
  ])('keeps the default of a stored %s that does not parse, and reports it', (key, value) => {
    const { settings, ignored } = engineSettingsFrom({ [key]: value });
    expect(ignored).toEqual([key]);
    expect(settings[key as keyof typeof settings]).toEqual(defaultEngineSettings[key as keyof typeof defaultEngineSettings]);
  });

  it('takes the stored publicUrl over the configured one, and the configured one over the default', () => {
    expect(engineSettingsFrom({}, 'https://b.example').settings.publicUrl).toBe('https://b.example');
    expect(engineSettingsFrom({ publicUrl: 'https://a.example' }, 'https://b.example').settings.publicUrl).toBe('https://a.example');
    expect(engineSettingsFrom(null).settings.publicUrl).toBe(defaultEngineSettings.publicUrl);
  });

  it('has defaults that satisfy its own schema', () => {
    expect(workspaceSettingsSchema.safeParse(defaultWorkspaceSettings).success).toBe(true);
  });
});

describe('retention', () => {
  const retention = workspaceSettingsSchema.shape.retention;
  it('keeps 13 months of events and of messages unless told, also for settings stored before they had their own', () => {
    expect(retention.parse({ journeyLogMonths: 6 })).toEqual({ journeyLogMonths: 6, eventMonths: 13, messageMonths: 13 });
    expect(retention.parse({ journeyLogMonths: 6, eventMonths: 20 })).toEqual({ journeyLogMonths: 6, eventMonths: 20, messageMonths: 13 });
  });

  it('refuses more than ten years of messages in words', () => {
    const result = retention.safeParse({ journeyLogMonths: 13, messageMonths: 121 });
    expect(result.error?.issues[0]).toMatchObject({ path: ['messageMonths'], message: 'keep at most 120 months (10 years)' });
  });

  it('refuses a retention under a month in words', () => {
    const result = retention.safeParse({ journeyLogMonths: 13, eventMonths: 0 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['eventMonths'], message: 'keep at least 1 month' });
  });
});
