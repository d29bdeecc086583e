import { emailAddressProblem } from '../../core/addresses';
import nodemailer, { type Transporter, type TransportOptions } from 'nodemailer';
import type { ChannelAdapter, OutgoingMessage, SendReceipt } from './adapter';
import { PermanentSendError, RetryableSendError, trackingLinks } from './adapter';

export interface EmailAdapterOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` */
  smtpUrl: string;
  from: string;
  publicUrl: string;
  timeoutMs: number;
  /** pooled SMTP connections (default 5) */
  maxConnections?: number;
}

/** The idempotency key as an RFC 5322 Message-ID: the same key always yields the same id, so a resend is a duplicate. */
export function messageIdHeader(idempotencyKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'boomerang.invalid';
  return `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
}

/**
 * SMTP through nodemailer's pooled transport: multipart/alternative HTML + text, RFC 8058 one-click unsubscribe
 * (`List-Unsubscribe` with the signed `/t/u/:token` link and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`), the
 * idempotency key as Message-ID, an open pixel at the end of the HTML. SMTP 5xx replies (unknown mailbox, rejected
 * content) are permanent; 4xx replies and connection failures are retried.
 */
export class EmailAdapter implements ChannelAdapter {
  readonly name = 'email';
  readonly mode = 'live' as const;
  private readonly transport: Transporter;
  constructor(private readonly options: EmailAdapterOptions) {
    this.transport = nodemailer.createTransport({
      pool: true,
      url: options.smtpUrl,
      maxConnections: options.maxConnections ?? 5,
      maxMessages: Infinity,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      // a local sink or relay without a certificate: STARTTLS when offered, without failing on self-signed ones
      tls: { rejectUnauthorized: false },
    } as TransportOptions);
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    if (!message.to) throw new PermanentSendError('the contact has no email address');
    // stored before addresses were checked at ingestion, or written around it: one contact is one recipient
    const problem = emailAddressProblem(message.to);
    if (problem) throw new PermanentSendError(`the contact's email ${problem}`);
    const c = message.content;
    const links = trackingLinks(this.options.publicUrl, message.messageId);
    const pixel = `<img src="${links.open}" width="1" height="1" alt="" style="display:none">`;
    const html = c.html ? (/<\/body>/i.test(c.html) ? c.html.replace(/<\/body>/i, `${pixel}</body>`) : `${c.html}${pixel}`) : undefined;
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: message.to,
        // the envelope is exactly this one address, never what a header parser makes of it
        envelope: { from: envelopeSender(this.options.from), to: [message.to] },
        subject: c.subject ?? '',
        text: c.text ?? (c.html ? undefined : ''),
        html,
        messageId: messageIdHeader(message.idempotencyKey, this.options.from),
        headers: {
          ...(message.unsubscribeUrl
            ? { 'List-Unsubscribe': `<${message.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
            : {}),
          'X-Boomerang-Message-Id': message.messageId,
        },
      });
      return { providerId: info.messageId ?? messageIdHeader(message.idempotencyKey, this.options.from), status: 'sent' };
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** The bare address of a From like `Shop <hello@shop.example>` (operator-configured, trusted). */
function envelopeSender(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
}

function classifySmtpError(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const text = `SMTP ${e.responseCode ?? e.code ?? 'error'}: ${(e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 200)}`;
  // strip credentials nodemailer may echo from the URL
  const safe = text.replace(/\/\/[^@/\s]+@/g, '//***@');
  // 550/551/553 at RCPT: the mailbox does not exist — a hard bounce, like a provider's bounce receipt
  const hardBounce = e.responseCode === 550 || e.responseCode === 551 || e.responseCode === 553;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return new PermanentSendError(safe, { hardBounce });
  return new RetryableSendError(safe);
}
