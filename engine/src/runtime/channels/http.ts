/**
 * The HTTP seam of the provider adapters: one keep-alive pool per origin (connections reused across sends, capped),
 * timeouts that cover a provider that accepts the connection and never answers, and one verdict for
 * every outcome: 2xx ok; 5xx, 429 (with `Retry-After`), 408, timeouts, refused or reset connections retryable;
 * every other 4xx permanent.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';
import { literalDestinationRefusal, type AllowedNetwork } from '../../core/destination';
import { PermanentSendError, RetryableSendError } from './adapter';
import { guardedLookup, refusalIn, type Resolver } from './destination';

export interface HttpPoolOptions {
  /** connect, response-headers and body timeouts in ms each */
  timeoutMs: number;
  /** keep-alive connections per origin */
  connections?: number;
  /**
   * Destinations someone other than the operator chose (webhook URLs, Web Push endpoints): connect only to public
   * unicast addresses and these networks (`core/destination.ts`). Absent: the operator's own provider URLs, trusted.
   */
  guard?: { allow: readonly AllowedNetwork[]; /** tests: an attacker's DNS */ resolve?: Resolver };
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * undici's Agent keeps one connection pool per origin (keep-alive, capped at `connections`); measured on the
 * loopback bench it sends about twice what node:http's Agent does per CPU second.
 */
export class HttpPool {
  private readonly agent: Agent;
  constructor(private readonly options: HttpPoolOptions) {
    this.agent = new Agent({
      connections: options.connections ?? 32,
      keepAliveTimeout: 30_000,
      connect: {
        timeout: options.timeoutMs,
        ...(options.guard ? { lookup: guardedLookup(options.guard.allow, options.guard.resolve) } : {}),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** One request; network failures and timeouts reject with a RetryableSendError. */
  async request(target: string, init: { method: string; headers: Record<string, string>; body?: string | Buffer }): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new PermanentSendError('invalid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PermanentSendError(`unsupported URL scheme ${url.protocol}`);
    // an address literal never reaches a DNS lookup, so the rule is applied to it here
    const literal = this.options.guard ? literalDestinationRefusal(url.href, this.options.guard.allow) : null;
    if (literal) throw new PermanentSendError(literal);
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: init.method as 'POST',
        headers: init.headers,
        body: init.body,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: text.slice(0, 64 * 1024) };
    } catch (error) {
      const refused = refusalIn(error);
      if (refused) throw new PermanentSendError(refused.message);
      const e = error as { code?: string; message?: string };
      const timeout = /TIMEOUT/.test(e.code ?? '');
      throw new RetryableSendError(
        timeout
          ? `no response from ${url.origin} within ${this.options.timeoutMs} ms`
          : `${url.origin}: ${e.code ?? e.message ?? 'network error'}`,
      );
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
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
