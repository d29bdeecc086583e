import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { checkSubscriptionLinkToken } from '@boomerang/engine/core/link-token';
import { subscriptionLinkKey } from '@boomerang/engine/runtime';
import { NOW, NowSource } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config';
import { ENGINE_DB } from '../engine/engine.tokens';
import { refusedLinkPage } from './unsubscribe-page';

export const linkPageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
};

/**
 * The signed unsubscribe and preference links (`/t/u/:token`, `/t/p/:token`; `core/link-token.ts`): a token opens
 * its message's contact only when it carries this installation's signature and has not expired (engine clock).
 * Otherwise the caller answers with `refuse`, and nothing is read or changed.
 */
@Injectable()
export class SubscriptionLinks {
  private key: Promise<string> | null = null;

  constructor(
    @Inject(ENGINE_DB) private readonly db: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NOW) private readonly clock: NowSource,
  ) {}

  /** The message a token opens, or the page to answer with (403 forged, 410 expired) already sent. */
  async open(token: string, req: Request, res: Response): Promise<string | null> {
    this.key ??= subscriptionLinkKey(this.db, this.config.LINK_SECRET).catch((error: unknown) => {
      this.key = null;
      throw error;
    });
    const check = checkSubscriptionLinkToken(await this.key, token, await this.clock.now());
    if (check.ok) return check.messageId;
    // an expired link is authentic: its contact's locale; a forged one names nobody: the browser's language
    const locale = check.problem === 'expired' ? await this.localeOfMessage(check.messageId) : browserLanguage(req);
    res
      .status(check.problem === 'expired' ? 410 : 403)
      .set(linkPageHeaders)
      .send(refusedLinkPage(locale, check.problem));
    return null;
  }

  private async localeOfMessage(messageId: string): Promise<string | null> {
    const result = await this.db.query<{ locale: string | null }>(
      `SELECT c.attributes->>'locale' AS locale FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.id = $1`,
      [messageId],
    );
    return result.rows[0]?.locale ?? null;
  }
}

function browserLanguage(req: Request): string | null {
  const first = req.acceptsLanguages()[0];
  return first && first !== '*' ? first : null;
}
