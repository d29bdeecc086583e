import { Body, Controller, Headers, HttpCode, Inject, Param, Post, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { ChannelKind } from '@boomerang/engine';
import { recordReceipt } from '@boomerang/engine/runtime';
import { Public } from '../auth/public.decorator';
import { NOW, NowSource } from '../common/clock';
import { parseOrThrow } from '../common/http-errors';
import { APP_CONFIG, type AppConfig } from '../config';
import { ENGINE_DB } from '../engine/engine.tokens';
import { channelParam, receiptsBody, twilioStatus, type ReceiptItem } from './providers.dto';
import type { ReceiptsAnswerView } from '@boomerang/engine/core/views/messages';

const twilioMap: Record<string, ReceiptItem['status'] | null> = { delivered: 'delivered', undelivered: 'failed', failed: 'failed' };

/**
 * Delivery receipts from providers: `POST /api/providers/:channel/status`. Not behind the API key (providers cannot
 * hold one) but behind PROVIDER_STATUS_SECRET, given as `X-Boomerang-Provider-Secret` or as the password of HTTP
 * basic auth (`https://status:SECRET@host/api/providers/sms/status` for Twilio-style callbacks). Without the variable
 * every receipt is refused. Writes go through the engine (`recordReceipt`): a receipt that arrives before its send is
 * recorded is kept and applied when it is, so the answer is 200 only once each receipt is durably stored.
 */
@Public()
@Controller('providers')
export class ProvidersController {
  constructor(
    @Inject(ENGINE_DB) private readonly db: Pool,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post(':channel/status')
  @HttpCode(200)
  async status(
    @Param('channel') channelRaw: string,
    @Headers('x-boomerang-provider-secret') secretHeader: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<ReceiptsAnswerView> {
    this.authenticate(secretHeader, authorization);
    const channel = parseOrThrow(channelParam, channelRaw, ['params', 'channel']) as ChannelKind;
    const items = this.items(body);
    const at = await this.clock.now();
    const result: ReceiptsAnswerView = { accepted: 0, pending: 0, ignored: 0, rejected: [] };
    for (const [index, item] of items.entries()) {
      if (item === null) {
        result.ignored++;
        continue;
      }
      const outcome = await recordReceipt(this.db, { ...item, channel }, at);
      if (!outcome) result.rejected.push({ index, error: `no ${channel} message ${item.messageId}` });
      else if ('pending' in outcome) result.pending++;
      else result.accepted++;
    }
    return result;
  }

  private items(body: unknown): (ReceiptItem | null)[] {
    if (body && typeof body === 'object' && !Array.isArray(body) && 'MessageSid' in body) {
      const t = parseOrThrow(twilioStatus, body);
      const status = twilioMap[t.MessageStatus.toLowerCase()] ?? null;
      if (!status) return [null]; // queued, sending, sent: in flight, nothing to record
      return [{ providerId: t.MessageSid, status, reason: t.ErrorCode ? `provider error ${t.ErrorCode}` : undefined }];
    }
    const parsed = parseOrThrow(receiptsBody, body);
    return Array.isArray(parsed) ? parsed : [parsed];
  }

  private authenticate(header: string | undefined, authorization: string | undefined): void {
    const expected = this.config.PROVIDER_STATUS_SECRET;
    if (!expected) throw new UnauthorizedException('receipts are disabled: set PROVIDER_STATUS_SECRET');
    let given = header;
    if (!given && authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      given = decoded.slice(decoded.indexOf(':') + 1);
    }
    if (!given || !sameSecret(given, expected)) throw new UnauthorizedException('invalid provider secret');
  }
}

/** Constant-time comparison of two strings of any length (hashed first). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
