import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelSettings } from '@boomerang/engine/runtime';
import type { AppConfig } from '../config';

/**
 * The channel variables of `config.ts` as the engine's adapter settings. WEBHOOK_SECRET unset: a secret is generated
 * once into `DATA_DIR/webhook-secret` (mode 0600) when this process dispatches (ENGINE=on), so receivers can be
 * given it; with ENGINE=off and no secret, webhooks stay in the sandbox.
 */
export function channelSettingsOf(config: AppConfig): ChannelSettings {
  const webhook = config.WEBHOOK_SECRET
    ? { secret: config.WEBHOOK_SECRET, source: 'WEBHOOK_SECRET' }
    : config.ENGINE === 'on'
      ? { secret: storedWebhookSecret(config.DATA_DIR), source: `the generated secret in ${join(config.DATA_DIR, 'webhook-secret')}` }
      : undefined;
  return {
    publicUrl: config.PUBLIC_URL,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    smtp:
      config.SMTP_URL && config.SMTP_FROM
        ? { url: config.SMTP_URL, from: config.SMTP_FROM, maxConnections: config.SMTP_POOL_SIZE }
        : undefined,
    fcm: config.PUSH_URL && config.PUSH_TOKEN ? { url: config.PUSH_URL, token: config.PUSH_TOKEN } : undefined,
    vapid:
      config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY && config.VAPID_SUBJECT
        ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT }
        : undefined,
    sms:
      config.SMS_URL && config.SMS_ACCOUNT && config.SMS_TOKEN && config.SMS_FROM
        ? { url: config.SMS_URL, account: config.SMS_ACCOUNT, token: config.SMS_TOKEN, from: config.SMS_FROM }
        : undefined,
    webhook,
    allowNetworks: config.WEBHOOK_ALLOW_NETWORKS,
  };
}

function storedWebhookSecret(dataDir: string): string {
  const file = join(dataDir, 'webhook-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return existing;
  } catch {
    // first start: generated below
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
