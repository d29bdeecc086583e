/**
 * The HTTP seam of the provider adapters: one keep-alive agent per origin (sockets reused across sends, capped), a
 * per-request timeout that covers a provider that accepts the connection and never answers, and one verdict for
 * every outcome: 2xx ok; 5xx, 429 (with `Retry-After`), 408, timeouts, refused or reset connections retryable;
 * every other 4xx permanent.
 */
import http from 'node:http';
import https from 'node:https';
import { PermanentSendError, RetryableSendError } from './adapter';

export interface HttpPoolOptions {
  /** whole-request timeout in ms (connect + response) */
  timeoutMs: number;
  /** sockets per origin */
  maxSockets?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class HttpPool {
  private readonly agents = new Map<string, http.Agent>();
  constructor(private readonly options: HttpPoolOptions) {}

  private agentFor(url: URL): http.Agent {
    let agent = this.agents.get(url.origin);
    if (!agent) {
      const init = { keepAlive: true, maxSockets: this.options.maxSockets ?? 64, maxFreeSockets: this.options.maxSockets ?? 64 };
      agent = url.protocol === 'https:' ? new https.Agent(init) : new http.Agent(init);
      this.agents.set(url.origin, agent);
    }
    return agent;
  }

  /** One request; network failures and timeouts reject with a RetryableSendError. */
  request(target: string, init: { method: string; headers: Record<string, string>; body?: string | Buffer }): Promise<HttpResponse> {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new PermanentSendError(`unsupported URL scheme ${url.protocol}`));
    }
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<HttpResponse>((resolve, reject) => {
      const body = init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
      const req = client.request(
        url,
        {
          method: init.method,
          agent: this.agentFor(url),
          headers: { ...init.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= 64 * 1024) chunks.push(c); // a provider's error page is not worth more
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (e) => fail(e));
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new RetryableSendError(`no response from ${url.origin} within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        if (e instanceof RetryableSendError || e instanceof PermanentSendError) reject(e);
        else reject(new RetryableSendError(`${url.origin}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      };
      req.on('error', fail);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (relative to `nowMs`). */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Throws the verdict for a non-2xx response; `what` names the provider in the message (never a secret). */
export function assertOk(res: HttpResponse, what: string, permanent: { clearAttribute?: string } = {}): void {
  if (res.status >= 200 && res.status < 300) return;
  const detail = `${what} answered ${res.status}${res.body ? `: ${res.body.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
  if (res.status >= 500 || res.status === 429 || res.status === 408) {
    throw new RetryableSendError(detail, { retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
  }
  throw new PermanentSendError(detail, permanent);
}
