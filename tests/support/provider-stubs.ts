/**
 * Real provider stand-ins on 127.0.0.1 for the channel tests: an HTTP stub whose answer a test switches per request
 * (ok, 500, 429 + Retry-After, a hang that never answers, 400…), an SMTP sink (smtp-server) that parses what it
 * receives (mailparser), and a closed port for refused connections. Every stub records what it accepted.
 */
import { createServer as createNetServer } from 'node:net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface StubRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type StubReply = { status: number; headers?: Record<string, string>; body?: string } | 'hang'; // accept the request and never answer (the socket stays open until the stub closes)

export interface HttpStub {
  url: string;
  /** every request that got a 2xx answer */
  accepted: StubRequest[];
  /** every request received, whatever the answer */
  received: StubRequest[];
  /** the answer to the next requests (default 200 `{}`) */
  reply: (req: StubRequest) => StubReply;
  close(): Promise<void>;
}

/** `host`: the loopback address it listens on (127.0.0.2 plays an internal service in the security specs) */
export async function startHttpStub(host = '127.0.0.1'): Promise<HttpStub> {
  const hanging = new Set<http.ServerResponse>();
  const stub: HttpStub = {
    url: '',
    accepted: [],
    received: [],
    reply: () => ({ status: 200, body: '{}' }),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: StubRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      stub.received.push(request);
      const reply = stub.reply(request);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      if (reply.status >= 200 && reply.status < 300) stub.accepted.push(request);
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers }).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  stub.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return stub;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released): connecting is refused. */
export async function refusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SmtpSink {
  url: string;
  port: number;
  mails: (ParsedMail & { envelopeTo: string[] })[];
  /** reject RCPT TO for these addresses with 550 */
  rejectRecipients: Set<string>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { port?: number; host?: string } = {}): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    port: 0,
    mails: [],
    rejectRecipients: new Set(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onRcptTo: (address, _session, callback) => {
      if (sink.rejectRecipients.has(address.address)) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          sink.mails.push(Object.assign(mail, { envelopeTo: session.envelope.rcptTo.map((r) => r.address) }));
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  return sink;
}
