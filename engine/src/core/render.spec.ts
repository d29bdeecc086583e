import { checkTemplate, renderContent, templateFor, templatePaths, templateVariables } from './render';

const vars = (attributes: Record<string, unknown>, timezone = 'UTC') =>
  templateVariables({
    externalId: 'u1',
    attributes,
    flow: { id: 'f', name: 'Flow' },
    messageId: 'm-1',
    publicUrl: 'https://win.example/',
    timezone,
  });

const sms = (body: string, attributes: Record<string, unknown>, timezone?: string) =>
  renderContent('sms', { body }, vars(attributes, timezone)).body;

describe('template helpers', () => {
  it.each([
    // dates in the contact's zone and locale
    ['{{formatDate at}}', { at: '2026-03-01T20:00:00Z', locale: 'en-US' }, 'America/New_York', 'Mar 1, 2026'],
    ['{{formatDate at}}', { at: '2026-03-01T20:00:00Z', locale: 'zh-CN' }, 'Asia/Shanghai', '2026年3月2日'],
    ['{{formatDate at "time"}}', { at: '2026-03-01T20:00:00Z', locale: 'en-GB' }, 'Europe/London', '20:00'],
    ['{{formatDate at "datetime"}}', { at: '2026-03-01T20:00:00Z', locale: 'de' }, 'Europe/Berlin', '01.03.2026, 21:00'],
    ['{{formatDate missing}}', {}, 'UTC', ''],
    ['{{formatDate at}}', { at: 'not a date' }, 'UTC', ''],
    ['{{formatDate at}}', { at: '2026-03-01T20:00:00Z', locale: 'xx-invalid-!!' }, 'Not/AZone', 'Mar 1, 2026'],
    // numbers and money through Intl
    ['{{formatNumber n}}', { n: 12345.678, locale: 'en' }, 'UTC', '12,345.678'],
    ['{{formatNumber n 1}}', { n: '12345.678', locale: 'de' }, 'UTC', '12.345,7'],
    ['{{formatCurrency n "CNY"}}', { n: 20, locale: 'zh-CN' }, 'UTC', '¥20.00'],
    ['{{formatCurrency n "EUR"}}', { n: 9.5, locale: 'fr' }, 'UTC', '9,50\u00a0€'],
    ['{{formatCurrency n}}', { n: 5, currency: 'usd', locale: 'en-US' }, 'UTC', '$5.00'],
    ['{{formatNumber n}}', { n: 'abc' }, 'UTC', ''],
    // default and truncate
    ['Hi {{default firstName "there"}}', {}, 'UTC', 'Hi there'],
    ['Hi {{default firstName "there"}}', { firstName: 'Li' }, 'UTC', 'Hi Li'],
    ['{{truncate name 8}}', { name: 'Wireless headphones' }, 'UTC', 'Wireles…'],
    ['{{truncate name 8 "..."}}', { name: 'Wireless headphones' }, 'UTC', 'Wirel...'],
    ['{{truncate name 30}}', { name: 'short' }, 'UTC', 'short'],
    ['{{truncate name 3}}', { name: '无线耳机套装' }, 'UTC', '无线…'],
    ['{{contact.locale}} {{contact.timezone}}', { locale: 'zh-CN' }, 'Asia/Shanghai', 'zh-CN Asia/Shanghai'],
  ])('%s with %j in %s → %j', (body, attributes, zone, expected) => {
    expect(sms(body, attributes, zone)).toBe(expected);
  });

  it('the helpers pass static checks', () => {
    expect(
      checkTemplate('{{formatDate a "date"}} {{formatNumber b}} {{formatCurrency c "CNY"}} {{truncate d 5}} {{contact.locale}}'),
    ).toEqual([]);
  });
});

describe('templates reach no prototype', () => {
  it.each(['{{__proto__}}', '{{hasOwnProperty}}', '{{constructor.constructor}}', '{{valueOf.call}}'])(
    '%s is checked (no throw) and renders nothing',
    (source) => {
      expect(() => checkTemplate(source)).not.toThrow();
      expect(renderContent('sms', { body: source }, vars({})).body).toBe('');
    },
  );
});

describe('email HTML escapes variables; plain fields do not', () => {
  it('escapes in html, not in subject or text', () => {
    const c = renderContent(
      'email',
      { subject: 'Hi {{name}}', html: '<p>Hi {{name}}</p>', text: 'Hi {{name}}' },
      vars({ name: '<script>x</script> & "q"' }),
    );
    expect(c.html).toBe('<p>Hi &lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;</p>');
    expect(c.subject).toBe('Hi <script>x</script> & "q"');
    expect(c.text).toBe('Hi <script>x</script> & "q"');
  });
});

describe('templateFor (per-locale variants)', () => {
  const base = { title: 'We miss you', body: 'Come back, {{firstName}}', url: 'https://shop.example' };
  const locales = { 'zh-CN': { title: '我们想你了', body: '回来看看吧，{{firstName}}' }, zh: { title: '想你' }, en: { title: 'Miss you' } };
  it.each([
    ['zh-CN', 'zh-CN', '我们想你了'],
    ['zh-TW', 'zh', '想你'],
    ['zh_CN', 'zh-CN', '我们想你了'],
    ['en-GB', 'en', 'Miss you'],
    ['fr', null, 'We miss you'],
    [undefined, null, 'We miss you'],
  ])('locale %j picks %j', (locale, picked, title) => {
    const t = templateFor(base, locales, locale);
    expect(t.locale).toBe(picked);
    expect(t.template.title).toBe(title);
    expect(t.template.url).toBe('https://shop.example'); // fields a variant leaves out come from the node's template
  });
});

describe('templatePaths', () => {
  it('lists the top-level variables a template reads, helpers and block-scoped paths excluded', () => {
    expect(
      templatePaths(
        '{{firstName}} {{formatCurrency coupon "CNY"}} {{#each items}}{{name}}{{/each}} {{#if vip}}{{tier}}{{/if}} {{links.click}}',
      ).sort(),
    ).toEqual(['coupon', 'firstName', 'items', 'links.click', 'tier', 'vip'].sort());
  });
});

describe('a JSON webhook body carries variables as data (issue 20)', () => {
  const body = '{"name":"{{firstName}}","plan":"free","n":{{cart_items}} }';
  const render = (attributes: Record<string, unknown>) =>
    JSON.parse(renderContent('webhook', { url: 'https://hooks.example.com/x', body }, vars(attributes)).body!) as Record<string, unknown>;

  it('keeps an attribute that tries to close its string and add keys as one intact string', () => {
    const firstName = 'Eve","admin":true,"x":"';
    expect(render({ firstName, cart_items: 2 })).toEqual({ name: firstName, plan: 'free', n: 2 });
  });

  it.each(['back\\slash', 'new\nline', 'tab\tand\u0001control', '</script>', '{{nested}}', 'ünïcødé 王伟 😀'])(
    'round-trips %j',
    (firstName) => {
      expect(render({ firstName, cart_items: 0 }).name).toBe(firstName);
    },
  );

  it('truncates the text, never an escape sequence, so no backslash shifts the quotes', () => {
    const cut = renderContent(
      'webhook',
      { url: 'https://hooks.example.com/x', body: '{"a":"{{truncate firstName 4 ""}}","admin":false,"b":"{{lastName}}"}' },
      vars({ firstName: 'abc"def', lastName: ',"admin":true,"z":"' }),
    );
    expect(JSON.parse(cut.body!)).toEqual({ a: 'abc"', admin: false, b: ',"admin":true,"z":"' });
  });

  it('leaves a body that is not JSON as plain text', () => {
    expect(renderContent('webhook', { url: 'https://x.example/', body: 'Hi "{{firstName}}"' }, vars({ firstName: 'a"b' })).body).toBe(
      'Hi "a"b"',
    );
  });
});

describe('the rendering budget (issue 20)', () => {
  const items = Array.from({ length: 300 }, (_, i) => i);

  it('stops a loop that runs past the iteration budget with a plain reason', () => {
    const nested = '{{#each arr}}{{#each ../arr}}.{{/each}}{{/each}}';
    expect(() => renderContent('sms', { body: nested }, vars({ arr: items }))).toThrow(
      /template\.body: the template exceeds its rendering budget: more than 10000 loop iterations/,
    );
  });

  it('stops a loop that writes past the output budget', () => {
    const big = 'x'.repeat(200_000);
    expect(() => renderContent('sms', { body: '{{#each arr}}{{../big}}{{/each}}' }, vars({ arr: items.slice(0, 10), big }))).toThrow(
      /more than 1000000 characters/,
    );
  });

  it('refuses, before rendering, a template that repeats a long attribute past the output budget', () => {
    const bio = 'b'.repeat(32_000);
    expect(() => renderContent('email', { subject: 's', html: '<p>{{bio}}</p>'.repeat(40) }, vars({ bio }))).toThrow(
      /template\.html: .*more than 1000000 characters/,
    );
    // the same attribute printed once, or not at all, is fine
    expect(renderContent('email', { subject: 's', html: '<p>{{bio}}</p>' }, vars({ bio })).html).toHaveLength(32_007);
    expect(
      renderContent('email', { subject: 's', html: '<p>{{firstName}}</p>'.repeat(40) }, vars({ bio, firstName: 'A' })).html,
    ).toHaveLength(320);
  });

  it('renders an ordinary loop in full', () => {
    expect(renderContent('sms', { body: '{{#each arr}}{{this}},{{/each}}' }, vars({ arr: [1, 2, 3] })).body).toBe('1,2,3,');
  });

  it('refuses loops nested three deep at validation', () => {
    expect(checkTemplate('{{#each arr}}{{#each ../arr}}{{#each ../../arr}}.{{/each}}{{/each}}{{/each}}')).toEqual([
      'loops nest 3 deep; at most 2 "each" blocks may nest (the rendering budget)',
    ]);
    expect(checkTemplate('{{#each arr}}{{#each ../arr}}.{{/each}}{{/each}}')).toEqual([]);
  });
});
