import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { NOW, NowSource } from '../common/clock';
import { isUuid } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config';
import { TrackingRepository } from './tracking.repository';

/** The smallest transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const channelWords: Record<string, string> = { email: 'e-mails', push: 'push notifications', sms: 'text messages', webhook: 'messages' };

/**
 * Tracking links, outside /api and without credentials (the message id is the capability). Unknown ids are 404s.
 * Times come from the engine clock, so metrics stay coherent under CLOCK=virtual.
 */
@Public()
@Controller('t')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingRepository,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records the click and redirects to the message's `url`. When that url is the tracking link itself (templates
   * use `{{links.click}}` as a push url) or not http(s), the destination is PUBLIC_URL.
   */
  @Get('c/:id')
  async click(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const message = isUuid(id) ? await this.tracking.click(id, await this.clock.now()) : null;
    if (!message) throw new NotFoundException('unknown message');
    res.redirect(302, this.destination(message.url));
  }

  @Get('o/:id')
  async open(@Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!isUuid(id) || !(await this.tracking.open(id, await this.clock.now()))) throw new NotFoundException('unknown message');
    res.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL);
  }

  /** GET for the link in the message; POST for RFC 8058 one-click unsubscribe (List-Unsubscribe-Post). */
  @Get('u/:id')
  async unsubscribePage(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const channel = await this.unsubscribe(id);
    res
      .status(200)
      .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" })
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
          `<title>Unsubscribed</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>` +
          `<body><h1>You are unsubscribed</h1><p>You will not receive these ${channelWords[channel] ?? 'messages'} from us any more.</p></body></html>`,
      );
  }

  @Post('u/:id')
  @HttpCode(200)
  async unsubscribeOneClick(@Param('id') id: string): Promise<{ unsubscribed: true; channel: string }> {
    return { unsubscribed: true, channel: await this.unsubscribe(id) };
  }

  private async unsubscribe(id: string): Promise<string> {
    const channel = isUuid(id) ? await this.tracking.unsubscribe(id, await this.clock.now()) : null;
    if (!channel) throw new NotFoundException('unknown message');
    return channel;
  }

  private destination(url: string | null): string {
    const fallback = `${this.config.PUBLIC_URL}/`;
    if (!url || !/^https?:\/\//i.test(url)) return fallback;
    if (url.startsWith(`${this.config.PUBLIC_URL}/t/`)) return fallback;
    return url;
  }
}
