import { destinationRefusal, literalDestinationRefusal, parseAllowedNetworks } from './destination';

describe('destinationRefusal', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::7f00:1', 'not a public unicast'],
    ['64:ff9b::7f00:1', 'not a public unicast'],
    ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'],
  ])('refuses %s (%s)', (address, words) => {
    const reason = destinationRefusal(address, []);
    expect(reason).toContain(words);
    expect(reason).toContain('WEBHOOK_ALLOW_NETWORKS');
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(destinationRefusal(address, [])).toBeNull();
  });

  it('lets an allowed network through, and only it', () => {
    const allow = parseAllowedNetworks('127.0.0.1/32, fd00::/8');
    expect(destinationRefusal('127.0.0.1', allow)).toBeNull();
    expect(destinationRefusal('::ffff:127.0.0.1', allow)).toBeNull();
    expect(destinationRefusal('fd00::5', allow)).toBeNull();
    expect(destinationRefusal('127.0.0.2', allow)).toContain('loopback');
  });

  it('reads an IPv4-mapped allowed network as its IPv4 network', () => {
    expect(destinationRefusal('10.0.0.7', parseAllowedNetworks('::ffff:10.0.0.0/104'))).toBeNull();
  });
});

describe('parseAllowedNetworks', () => {
  it('is empty for nothing', () => {
    expect(parseAllowedNetworks('')).toEqual([]);
    expect(parseAllowedNetworks(undefined)).toEqual([]);
  });
  it('names the entry that is not a CIDR', () => {
    expect(() => parseAllowedNetworks('10.0.0.0/8,intranet')).toThrow('"intranet" is not a CIDR network');
  });
});

describe('literalDestinationRefusal', () => {
  it.each([
    'http://127.0.0.1:8080/admin',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:9000/',
    'https://api.localhost/',
  ])('refuses %s', (url) => {
    expect(literalDestinationRefusal(url, [])).toMatch(/refused/);
  });

  it('leaves host names to the connection and lets public literals through', () => {
    expect(literalDestinationRefusal('https://hooks.example.com/x', [])).toBeNull();
    expect(literalDestinationRefusal('https://8.8.8.8/x', [])).toBeNull();
    expect(literalDestinationRefusal('{{url}}', [])).toBeNull();
  });

  it('lets localhost through when loopback is allowed', () => {
    expect(literalDestinationRefusal('http://localhost:9000/', parseAllowedNetworks('127.0.0.0/8'))).toBeNull();
  });
});
