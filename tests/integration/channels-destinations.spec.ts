/**
 * The outbound-destination rule at the socket (issue 20): a destination-guarded HttpPool connects to a real server
 * on 127.0.0.2 (an "internal" service) only when its network is allowed, whatever the spelling of the address, and
 * decides on the address the name resolves to when connecting (an attacker's DNS is played by a resolver that
 * answers what a rebinding name would). A refusal is permanent and names the rule; the internal server sees nothing.
 */
import type { LookupAddress } from 'node:dns';
import { parseAllowedNetworks } from '@boomerang/engine/core/destination';
import { HttpPool, isPermanent, type Resolver } from '@boomerang/engine/runtime';
import { startHttpStub, type HttpStub } from '../support/provider-stubs';

let internal: HttpStub;
let allowed: HttpStub;
const pools: HttpPool[] = [];

beforeEach(async () => {
  internal = await startHttpStub('127.0.0.2');
  allowed = await startHttpStub('127.0.0.1');
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await internal.close();
  await allowed.close();
});

function guardedPool(allow: string, resolve?: Resolver): HttpPool {
  const pool = new HttpPool({ timeoutMs: 2000, guard: { allow: parseAllowedNetworks(allow), resolve } });
  pools.push(pool);
  return pool;
}

/** A DNS that answers `address` for every name, as a rebinding attacker's would on the second query. */
function dnsAnswering(...addresses: string[]): Resolver {
  return (_host, _options, callback) =>
    callback(
      null,
      addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
}

async function refusal(pool: HttpPool, url: string): Promise<Error> {
  const error = await pool.request(url, { method: 'POST', headers: {}, body: '{}' }).then(
    () => null,
    (e: Error) => e,
  );
  expect(error).not.toBeNull();
  return error!;
}

it('reaches the allowed receiver and refuses the internal one in every spelling', async () => {
  const pool = guardedPool('127.0.0.1/32');
  const port = new URL(internal.url).port;
  expect((await pool.request(`${allowed.url}/hook`, { method: 'POST', headers: {}, body: '{}' })).status).toBe(200);
  for (const url of [
    `http://127.0.0.2:${port}/admin`,
    `http://[::ffff:127.0.0.2]:${port}/admin`,
    `http://2130706434:${port}/admin`,
    `http://0177.0.0.2:${port}/admin`,
    `http://0x7f000002:${port}/admin`,
  ]) {
    const error = await refusal(pool, url);
    expect(isPermanent(error)).toBe(true);
    expect(error.message).toMatch(/127\.0\.0\.2 refused: a loopback address.*WEBHOOK_ALLOW_NETWORKS/);
  }
  expect(internal.received).toHaveLength(0);
});

it('refuses loopback entirely by default, even the receiver that is allowed elsewhere', async () => {
  const error = await refusal(guardedPool(''), `${allowed.url}/hook`);
  expect(isPermanent(error)).toBe(true);
  expect(allowed.received).toHaveLength(0);
});

it('decides on the resolved address: a name that resolves to the internal address is refused', async () => {
  const port = new URL(internal.url).port;
  const error = await refusal(guardedPool('127.0.0.1/32', dnsAnswering('127.0.0.2')), `http://hooks.rebind.test:${port}/admin`);
  expect(isPermanent(error)).toBe(true);
  expect(error.message).toMatch(/hooks\.rebind\.test: destination 127\.0\.0\.2 refused: a loopback address/);
  expect(internal.received).toHaveLength(0);
});

it('connects a name only to the addresses the rule allows among those it resolves to', async () => {
  const port = new URL(allowed.url).port;
  const pool = guardedPool('127.0.0.1/32', dnsAnswering('127.0.0.2', '127.0.0.1'));
  expect((await pool.request(`http://receiver.test:${port}/hook`, { method: 'POST', headers: {}, body: '{}' })).status).toBe(200);
  expect(allowed.received).toHaveLength(1);
});

it('refuses the metadata address and private networks with the rule in words', async () => {
  const pool = guardedPool('', dnsAnswering('169.254.169.254'));
  expect((await refusal(pool, 'http://metadata.test/latest')).message).toMatch(/link-local/);
  expect((await refusal(guardedPool(''), 'http://10.0.0.1/')).message).toMatch(/private \(RFC 1918\)/);
});

it('follows no redirect', async () => {
  allowed.reply = () => ({ status: 302, headers: { Location: `${internal.url}/admin` } });
  const res = await guardedPool('127.0.0.1/32').request(`${allowed.url}/hook`, { method: 'POST', headers: {}, body: '{}' });
  expect(res.status).toBe(302);
  expect(internal.received).toHaveLength(0);
});
