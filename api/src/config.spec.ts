import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: '.boomerang',
      CLOCK: 'system',
      TICK_CRON: '*/10 * * * * *',
      ENGINE: 'on',
      DEMO: 'on',
      PUBLIC_URL: 'http://localhost:3000',
      LINK_TTL_DAYS: 365,
      embeddedDatabase: true,
    });
    expect(config.LINK_SECRET).toBeUndefined(); // the key generated into the database signs links
  });

  it('turns the demo off by default when an external database is used', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' })).toMatchObject({ DEMO: 'off', embeddedDatabase: false });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ CLOCK: 'fast' }, 'CLOCK'],
    [{ ENGINE: 'maybe' }, 'ENGINE'],
    [{ TICK_CRON: '*/10 * *' }, 'TICK_CRON'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ API_KEY: 'short' }, 'API_KEY'],
    [{ WEBHOOK_ALLOW_NETWORKS: '10.0.0.0/8, intranet' }, 'WEBHOOK_ALLOW_NETWORKS'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ LINK_SECRET: 'too-short-for-a-link-key' }, 'LINK_SECRET'],
    [{ LINK_TTL_DAYS: '7' }, 'LINK_TTL_DAYS'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^\\s+${variable}: `, 'm'));
  });

  it.each([
    [{ SMTP_URL: 'smtp://localhost:2525' }, 'SMTP_FROM'],
    [{ PUSH_TOKEN: 'x' }, 'PUSH_URL'],
    [{ VAPID_PUBLIC_KEY: 'a', VAPID_PRIVATE_KEY: 'b' }, 'VAPID_SUBJECT'],
    [{ SMS_URL: 'http://127.0.0.1:1/sms', SMS_ACCOUNT: 'a', SMS_TOKEN: 'b' }, 'SMS_FROM'],
    [{ PROVIDER_STATUS_SECRET: 'short' }, 'PROVIDER_STATUS_SECRET'],
    [{ PROVIDER_TIMEOUT_MS: '5' }, 'PROVIDER_TIMEOUT_MS'],
    [{ SMTP_POOL_SIZE: '0' }, 'SMTP_POOL_SIZE'],
  ])('rejects a half-configured channel %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`^\\s+${variable}: `, 'm'));
  });

  it('reads WEBHOOK_ALLOW_NETWORKS as a list of CIDRs, empty by default', () => {
    expect(loadConfig({}).WEBHOOK_ALLOW_NETWORKS).toEqual([]);
    expect(loadConfig({ WEBHOOK_ALLOW_NETWORKS: '10.0.0.0/8, fd00::/8' }).WEBHOOK_ALLOW_NETWORKS).toEqual(['10.0.0.0/8', 'fd00::/8']);
  });

  it('reads TRUST_PROXY as hops or proxy addresses, none by default', () => {
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ PORT: 3000, embeddedDatabase: true });
  });
});
