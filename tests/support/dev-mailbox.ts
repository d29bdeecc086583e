/**
 * `npm run dev:mailbox`: a local SMTP sink with a small inbox page, to watch real emails arrive while developing.
 *
 *   npm run dev:mailbox                                   # SMTP on 127.0.0.1:1025, inbox on http://127.0.0.1:8025
 *   SMTP_URL=smtp://127.0.0.1:1025 SMTP_FROM='Shop <hello@shop.test>' npm start
 *
 * MAILBOX_SMTP_PORT and MAILBOX_HTTP_PORT move the ports. Mail is kept in memory only (the newest 500).
 */
import http from 'node:http';
import { startSmtpSink } from './provider-stubs';

const smtpPort = Number(process.env.MAILBOX_SMTP_PORT ?? 1025);
const httpPort = Number(process.env.MAILBOX_HTTP_PORT ?? 8025);
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function main(): Promise<void> {
  const sink = await startSmtpSink({ port: smtpPort });
  const received: Date[] = [];
  const push = sink.mails.push.bind(sink.mails);
  sink.mails.push = (...mails) => {
    received.push(...mails.map(() => new Date()));
    const n = push(...mails);
    if (sink.mails.length > 500) {
      sink.mails.splice(0, sink.mails.length - 500);
      received.splice(0, received.length - 500);
    }
    for (const m of mails) console.log(`mail to ${m.envelopeTo.join(', ')}: ${m.subject ?? '(no subject)'}`);
    return n;
  };

  const page = (title: string, body: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
     body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
     table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
     iframe{width:100%;height:32rem;border:1px solid #ccc}pre{background:#f6f6f6;padding:.75rem;white-space:pre-wrap}</style></head>
     <body>${body}</body></html>`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    const send = (status: number, html: string) =>
      res
        .writeHead(status, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'",
        })
        .end(html);
    const match = /^\/mail\/(\d+)(\/html)?$/.exec(url.pathname);
    if (match) {
      const mail = sink.mails[Number(match[1])];
      if (!mail) return send(404, page('Not found', '<p>No such mail. <a href="/">Inbox</a></p>'));
      if (match[2]) {
        // the message's own HTML, alone in a sandboxed frame: no scripts, no same-origin access
        return res
          .writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Security-Policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src * data:",
          })
          .end(mail.html || '');
      }
      const headers = mail.headerLines.map((h) => esc(h.line)).join('\n');
      return send(
        200,
        page(
          mail.subject ?? '(no subject)',
          `<p><a href="/">← Inbox</a></p><h1>${esc(mail.subject)}</h1>` +
            `<p>From ${esc(mail.from?.text)} to ${esc(mail.envelopeTo.join(', '))}</p>` +
            (mail.html ? `<h2>HTML</h2><iframe sandbox src="/mail/${match[1]}/html"></iframe>` : '') +
            `<h2>Text</h2><pre>${esc(mail.text)}</pre><h2>Headers</h2><pre>${headers}</pre>`,
        ),
      );
    }
    if (url.pathname !== '/') return send(404, page('Not found', '<p><a href="/">Inbox</a></p>'));
    const rows = sink.mails
      .map((m, i) => ({ m, i }))
      .reverse()
      .map(
        ({ m, i }) =>
          `<tr><td>${esc(received[i]?.toISOString())}</td><td>${esc(m.envelopeTo.join(', '))}</td><td><a href="/mail/${i}">${esc(m.subject ?? '(no subject)')}</a></td></tr>`,
      )
      .join('');
    send(
      200,
      page(
        'Mailbox',
        `<h1>Mailbox</h1><p>SMTP on <code>${esc(sink.url)}</code> · ${sink.mails.length} mail(s) · <a href="/">refresh</a></p><table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows}</table>`,
      ),
    );
  });
  server.listen(httpPort, '127.0.0.1', () => {
    console.log(`mailbox: SMTP ${sink.url}, inbox http://127.0.0.1:${httpPort}`);
    console.log(`start Boomerang with: SMTP_URL=${sink.url} SMTP_FROM='Boomerang <boomerang@localhost>' npm start`);
  });
  const stop = async () => {
    server.close();
    await sink.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
