/**
 * The connection-time half of the outbound-destination rule (`core/destination.ts`): a `lookup` for the sockets of
 * webhook and Web Push requests that resolves the host name and lets the socket connect only to an address the rule
 * allows. Deciding on the resolved address the socket then uses (never a separate earlier resolution) is what keeps
 * DNS rebinding out; no redirect is ever followed (undici's Agent follows none).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { destinationRefusal, type AllowedNetwork } from '../../core/destination';

/** A refused destination: the send fails permanently with this message. */
export class DestinationRefusedError extends Error {
  readonly code = 'EDESTINATIONREFUSED';
}

/** Name resolution (every address of a name); tests hand in one that answers what an attacker's DNS would. */
export type Resolver = (
  hostname: string,
  options: LookupOptions,
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, { ...options, all: true }, callback);

/** `net.connect`'s `lookup` option: every address the name resolves to that the rule refuses is dropped. */
export function guardedLookup(allow: readonly AllowedNetwork[], resolve: Resolver = systemResolver): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (...args: never[]) => void) => {
    const done = callback as unknown as (error: Error | null, address?: string | LookupAddress[], family?: number) => void;
    resolve(hostname, options, (error, addresses) => {
      if (error) return done(error);
      const usable = addresses.filter((a) => destinationRefusal(a.address, allow) === null);
      if (usable.length === 0) {
        const reason = addresses.length ? destinationRefusal(addresses[0].address, allow) : `${hostname} has no address`;
        return done(new DestinationRefusedError(`${hostname}: ${reason}`));
      }
      if (options.all) return done(null, usable);
      return done(null, usable[0].address, usable[0].family);
    });
  };
}

/** The refusal inside an error undici reports (it may wrap the socket's error), if any. */
export function refusalIn(error: unknown): DestinationRefusedError | null {
  for (let e = error as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof DestinationRefusedError) return e;
  }
  return null;
}
