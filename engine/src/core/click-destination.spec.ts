import { clickDestinationAllowed, hostListed, literalHostOf } from './click-destination';

describe('literalHostOf', () => {
  it.each([
    ['https://shop.example/cart/{{cartId}}', 'shop.example'],
    ['https://Shop.Example:8443/x', 'shop.example'],
    ['http://shop.example', 'shop.example'],
    ['https://shop.example{{path}}', null],
    ['{{landing}}', null],
    ['https://{{sub}}.shop.example/', null],
    ['https://user:{{pw}}@shop.example/', null],
    ['/relative', null],
  ])('%s → %s', (template, host) => {
    expect(literalHostOf(template)).toBe(host);
  });
});

describe('clickDestinationAllowed', () => {
  it('follows a destination on the template literal host', () => {
    expect(clickDestinationAllowed('https://shop.example/cart/42', ['https://shop.example/cart/{{cartId}}'], [])).toBe(true);
  });

  it('refuses a host that came from an attribute', () => {
    expect(clickDestinationAllowed('https://evil.example/', ['{{landing}}'], [])).toBe(false);
    // a literal-looking prefix does not help: the host the attribute completed is another host
    expect(clickDestinationAllowed('https://shop.example.evil.example/', ['https://shop.example{{path}}'], [])).toBe(false);
  });

  it('follows an attribute host that CLICK_ALLOWED_HOSTS lists', () => {
    expect(clickDestinationAllowed('https://landing.shop.example/a', ['{{landing}}'], ['*.shop.example'])).toBe(true);
    expect(clickDestinationAllowed('https://shop.example/a', ['{{landing}}'], ['shop.example'])).toBe(true);
  });
});

describe('hostListed', () => {
  it('matches exact hosts and subdomain wildcards, never a suffix trick', () => {
    expect(hostListed('a.shop.example', ['*.shop.example'])).toBe(true);
    expect(hostListed('shop.example', ['*.shop.example'])).toBe(false);
    expect(hostListed('evilshop.example', ['*.shop.example'])).toBe(false);
    expect(hostListed('SHOP.example', ['shop.example'])).toBe(true);
  });
});
