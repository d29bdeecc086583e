import { parseAllowedNetworks } from '../../core/destination';
import type { ChannelKind } from '../../core/types';
import type { ChannelAdapter, ChannelAdapters } from './adapter';
import { EmailAdapter } from './email';
import { HttpPool } from './http';
import { PushAdapter } from './push';
import { SandboxAdapter } from './sandbox';
import { SmsAdapter } from './sms';
import { WebhookAdapter } from './webhook';

/** The channel part of the configuration (the API's `config.ts` names the variables). */
export interface ChannelSettings {
  publicUrl: string;
  /** provider request timeout */
  timeoutMs: number;
  smtp?: { url: string; from: string; /** pooled SMTP connections (default 5) */ maxConnections?: number };
  fcm?: { url: string; token: string };
  vapid?: { publicKey: string; privateKey: string; subject: string };
  sms?: { url: string; account: string; token: string; from: string };
  /** `source` names where the secret came from, for the start-up log (never the secret) */
  webhook?: { secret: string; source?: string };
  /**
   * CIDR networks webhook URLs and Web Push endpoints may reach besides public unicast addresses
   * (`WEBHOOK_ALLOW_NETWORKS`); loopback, private, link-local… are refused otherwise
   */
  allowNetworks?: readonly string[];
}

export interface BuiltAdapters {
  adapters: ChannelAdapters;
  /** per channel: `live` with what it uses (never a secret) or `sandbox` with what is missing */
  status: Record<ChannelKind, string>;
  close(): Promise<void>;
}

/** One adapter per configured channel; every other channel falls to the sandbox. */
export function buildChannelAdapters(settings: ChannelSettings): BuiltAdapters {
  const live: Partial<Record<ChannelKind, ChannelAdapter>> = {};
  const status = {} as Record<ChannelKind, string>;
  const timeoutMs = settings.timeoutMs;
  // one keep-alive pool per origin for every HTTP provider of the process
  const pool = new HttpPool({ timeoutMs });
  // destinations someone other than the operator chose (webhook URLs, Web Push endpoints) go through a guarded one
  const outbound = new HttpPool({ timeoutMs, guard: { allow: parseAllowedNetworks(settings.allowNetworks) } });

  if (settings.smtp) {
    live.email = new EmailAdapter({
      smtpUrl: settings.smtp.url,
      from: settings.smtp.from,
      publicUrl: settings.publicUrl,
      timeoutMs,
      maxConnections: settings.smtp.maxConnections,
    });
    status.email = `live (SMTP ${hostOf(settings.smtp.url)}, from ${settings.smtp.from})`;
  } else status.email = 'sandbox (set SMTP_URL and SMTP_FROM)';

  if (settings.fcm || settings.vapid) {
    live.push = new PushAdapter({
      publicUrl: settings.publicUrl,
      timeoutMs,
      fcm: settings.fcm,
      vapid: settings.vapid,
      pool,
      webPushPool: outbound,
    });
    const parts = [settings.fcm ? `FCM ${hostOf(settings.fcm.url)}` : null, settings.vapid ? 'Web Push (VAPID)' : null].filter(Boolean);
    status.push = `live (${parts.join(' + ')})`;
  } else status.push = 'sandbox (set PUSH_URL and PUSH_TOKEN, or VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT)';

  if (settings.sms) {
    live.sms = new SmsAdapter({ ...settings.sms, timeoutMs, pool });
    status.sms = `live (${hostOf(settings.sms.url)}, from ${settings.sms.from})`;
  } else status.sms = 'sandbox (set SMS_URL, SMS_ACCOUNT, SMS_TOKEN and SMS_FROM)';

  if (settings.webhook) {
    live.webhook = new WebhookAdapter({ secret: settings.webhook.secret, timeoutMs, pool: outbound });
    status.webhook = `live (signed with ${settings.webhook.source ?? 'WEBHOOK_SECRET'})`;
  } else status.webhook = 'sandbox (set WEBHOOK_SECRET)';

  const all = Object.values(live);
  return {
    adapters: { default: new SandboxAdapter(), ...live },
    status,
    close: async () => {
      await Promise.all(all.map((a) => a.close?.()));
      await pool.close();
      await outbound.close();
    },
  };
}

/** host[:port] only: never the user, password or path of a provider URL. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
