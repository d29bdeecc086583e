import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { channelSettingsOf } from './channel-settings';

describe('channelSettingsOf', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'boomerang-channels-'));

  it('passes SMTP_POOL_SIZE to the email adapter as its pooled connections', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      SMTP_URL: 'smtp://127.0.0.1:1025',
      SMTP_FROM: 'Shop <a@shop.test>',
      SMTP_POOL_SIZE: '12',
    });
    expect(channelSettingsOf(config).smtp).toEqual({ url: 'smtp://127.0.0.1:1025', from: 'Shop <a@shop.test>', maxConnections: 12 });
  });

  it('keeps five SMTP connections by default and leaves email in the sandbox without SMTP_URL', () => {
    expect(channelSettingsOf(loadConfig({ DATA_DIR: dataDir, SMTP_URL: 'smtp://h:25', SMTP_FROM: 'a@b.test' })).smtp?.maxConnections).toBe(
      5,
    );
    expect(channelSettingsOf(loadConfig({ DATA_DIR: dataDir })).smtp).toBeUndefined();
  });
});
