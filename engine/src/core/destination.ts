/**
 * Which network addresses a webhook or a Web Push endpoint may reach (issue 20). Both URLs come from people who
 * are not the operator (an editor's template, a contact's attribute), so the server connecting to them must not
 * become a way into the networks it sits in: only public unicast addresses, plus the networks the operator lists in
 * `WEBHOOK_ALLOW_NETWORKS`. Address classification is ipaddr.js's (RFC 6890 special-purpose ranges), never
 * hand-written ranges. The runtime applies `destinationRefusal` to the address it actually connects to, after DNS;
 * `validateFlow` applies `literalDestinationRefusal` to a URL whose host is already an address.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
/** a CIDR network the operator allows, parsed once */
export type AllowedNetwork = [Address, number];

/** ipaddr.js's range names in words a refusal can show */
const rangeWords: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  carrierGradeNat: 'a carrier-grade NAT (RFC 6598) address',
  linkLocal: 'a link-local address (the cloud metadata service lives there)',
  uniqueLocal: 'a unique-local IPv6 address',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or documentation address',
};

/** The networks of `WEBHOOK_ALLOW_NETWORKS` (comma-separated CIDRs); throws naming the entry that is not one. */
export function parseAllowedNetworks(list: string | readonly string[] | undefined): AllowedNetwork[] {
  const entries = typeof list === 'string' ? list.split(',') : (list ?? []);
  return entries
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        return [unmapped(address), address.kind() === 'ipv6' && unmapped(address).kind() === 'ipv4' ? bits - 96 : bits];
      } catch {
        throw new Error(`"${entry}" is not a CIDR network (e.g. 10.0.0.0/8 or fd00::/8)`);
      }
    });
}

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is the IPv4 address it maps: it reaches the same host. */
function unmapped(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

function isAllowed(address: Address, allow: readonly AllowedNetwork[]): boolean {
  return allow.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/** Public unicast: ipaddr.js's `unicast` and, for IPv6, inside the global unicast block 2000::/3. */
function isPublicUnicast(address: Address): boolean {
  if (address.range() !== 'unicast') return false;
  return address.kind() === 'ipv4' || address.match(ipaddr.IPv6.parse('2000::'), 3);
}

/**
 * Why a connection to `address` (an IP literal in any spelling ipaddr.js reads) is refused, or null when it may
 * go ahead. The reason names the rule and the way out.
 */
export function destinationRefusal(address: string, allow: readonly AllowedNetwork[]): string | null {
  let parsed: Address;
  try {
    parsed = unmapped(ipaddr.process(address.replace(/^\[|\]$/g, '')));
  } catch {
    return `destination ${address} is not an IP address`;
  }
  if (isAllowed(parsed, allow) || isPublicUnicast(parsed)) return null;
  const what = rangeWords[parsed.range()] ?? `not a public unicast address (${parsed.range()})`;
  return `destination ${parsed.toString()} refused: ${what}; only public addresses are reached unless WEBHOOK_ALLOW_NETWORKS lists the network`;
}

/**
 * The refusal of a URL whose host is an address literal (the URL parser has already read decimal, octal, hex and
 * short IPv4 forms) or a `localhost` name; null for any other host name, which only the connection can decide.
 */
export function literalDestinationRefusal(url: string, allow: readonly AllowedNetwork[]): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null;
  }
  // `localhost` always names the loopback interface (RFC 6761)
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return (
      destinationRefusal('127.0.0.1', allow) &&
      `destination ${host} refused: a loopback name; only public addresses are reached unless WEBHOOK_ALLOW_NETWORKS lists the network`
    );
  }
  const bare = host.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? destinationRefusal(bare, allow) : null;
}
