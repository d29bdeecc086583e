/**
 * A loopback provider for `bench:dispatch`, run as a child process so it does not share the dispatcher's event loop:
 * `http` answers every POST 200 (FCM/SMS/webhook shape), `smtp` is an smtp-server sink that accepts everything.
 * Prints `{"port":…}` once listening, `{"received":n}` on SIGUSR2 (and at exit).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const kind = process.argv[2] ?? 'http';
let received = 0;
const report = () => process.stdout.write(`${JSON.stringify({ received })}\n`);
process.on('SIGUSR2', report);

if (kind === 'smtp') {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 1000,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.server.address() as AddressInfo).port })}\n`));
} else {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"name":"m/${received}","sid":"SM${received}"}`);
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
}
process.on('SIGTERM', () => {
  report();
  process.exit(0);
});
