import { Body, Controller, Get, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { recordClick, recordOpen, recordUnsubscribe, recordUnsubscribePageView } from '@boomerang/engine/runtime';
import { Public } from '../auth/public.decorator';
import { NOW, NowSource } from '../common/clock';
import { isUuid } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config';
import { ENGINE_DB } from '../engine/engine.tokens';
import { confirmPage, donePage, noDestinationPage } from './unsubscribe-page';
import { TrackingRepository } from './tracking.repository';
import { linkPageHeaders, SubscriptionLinks } from './subscription-links';
import { clickDestinationAllowed } from '@boomerang/engine/core/click-destination';

/** The smallest transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const htmlHeaders = linkPageHeaders;

/**
 * Tracking links, outside /api and without credentials. Clicks and opens: the message id is the capability (they
 * change no choice of the contact's); the unsubscribe link carries a signed token (`subscription-links.ts`). Unknown
 * ids are 404s.
 * Writes go through the engine's `store/messages.ts` (the engine is the only writer of messages and journey logs).
 * Times come from the engine clock, so metrics stay coherent under CLOCK=virtual.
 */
@Public()
@Controller('t')
export class TrackingController {
  constructor(
    @Inject(ENGINE_DB) private readonly db: Pool,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tracking: TrackingRepository,
    private readonly links: SubscriptionLinks,
  ) {}

  /**
   * Records the click and redirects to the message's stored destination (the template's rendered `url`) — and only
   * there: no query parameter can change it (no open redirect). A message without a usable destination (none, not
   * http(s), or pointing back at this server: the admin app or a tracking link) gets a neutral page instead. So does
   * a destination whose host came from a contact attribute rather than the template, unless `CLICK_ALLOWED_HOSTS`
   * lists it (`core/click-destination.ts`): whoever sets attributes must not turn the link into an open redirect.
   */
  @Get('c/:id')
  async click(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const message = isUuid(id) ? await recordClick(this.db, id, await this.clock.now()) : null;
    if (!message) throw new NotFoundException('unknown message');
    let destination = this.destination(message.url);
    if (
      destination &&
      !clickDestinationAllowed(destination, await this.tracking.urlTemplatesOf(message.id), this.config.CLICK_ALLOWED_HOSTS)
    ) {
      destination = null;
    }
    if (destination) res.redirect(302, destination);
    else res.status(200).set(htmlHeaders).send(noDestinationPage());
  }

  @Get('o/:id')
  async open(@Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!isUuid(id) || !(await recordOpen(this.db, id, await this.clock.now()))) throw new NotFoundException('unknown message');
    res.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL);
  }

  /**
   * GET only shows a confirmation page in the contact's locale (mail scanners follow links); its button POSTs. The
   * token is the signed one of `{{links.unsubscribe}}` and `List-Unsubscribe` (`subscription-links.ts`).
   */
  @Get('u/:token')
  async unsubscribePage(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const id = await this.links.open(token, req, res);
    if (!id) return;
    const message = await recordUnsubscribePageView(this.db, id, await this.clock.now());
    if (!message) throw new NotFoundException('unknown message');
    const html = message.first
      ? confirmPage(message.locale, message.channel, `/t/u/${token}`, `/t/p/${token}`)
      : donePage(message.locale, message.channel);
    res.status(200).set(htmlHeaders).send(html);
  }

  /**
   * Unsubscribes: RFC 8058 one-click (a mail client POSTs `List-Unsubscribe=One-Click`, answered with JSON) or the
   * confirmation page's button (answered with the page in the contact's locale).
   */
  @Post('u/:token')
  async unsubscribe(
    @Param('token') token: string,
    @Body() body: Record<string, unknown> | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const id = await this.links.open(token, req, res);
    if (!id) return;
    const oneClick = body?.['List-Unsubscribe'] === 'One-Click';
    const fromPage = !oneClick && body?.confirm === 'page';
    const message = await recordUnsubscribe(this.db, id, await this.clock.now(), fromPage ? 'page' : 'one_click');
    if (!message) throw new NotFoundException('unknown message');
    if (fromPage || (!oneClick && req.accepts(['json', 'html']) === 'html')) {
      res.status(200).set(htmlHeaders).send(donePage(message.locale, message.channel));
    } else {
      res.status(200).json({ unsubscribed: true, channel: message.channel });
    }
  }

  private destination(url: string | null): string | null {
    if (!url || !/^https?:\/\//i.test(url)) return null;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return null;
    }
    // never this server: the admin app is here, and a tracking link pointing at itself would loop
    if (target.origin === new URL(this.config.PUBLIC_URL).origin) return null;
    return target.toString();
  }
}
