import './mjml-in-node';
import { checkTemplate, renderContent, templateVariables } from '@boomerang/engine/core/render';
import { emailBlockSchema, type EmailBlock } from '@boomerang/engine/core/schema';
import { validateFlow } from '@boomerang/engine/core/validate';
import { blocksToHtml, blocksToMjml, blocksToText } from './render-blocks';

const winBack: EmailBlock[] = [
  { id: 'h', type: 'heading', text: 'We miss you, {{default firstName "friend"}}' },
  { id: 't', type: 'text', text: 'Hi {{firstName}},\nyour cart is waiting.\n\nCome back today.' },
  { id: 'i', type: 'image', src: 'https://cdn.shop.example/hero.png', alt: 'Our new collection' },
  { id: 'c', type: 'coupon', code: 'BACK20', note: '20 % off, this week only' },
  { id: 'p', type: 'products', attribute: 'recommendedProducts', title: 'Picked for you' },
  { id: 'b', type: 'button', label: 'Shop now', href: '{{links.click}}' },
  { id: 'd', type: 'divider' },
  { id: 'f', type: 'footer', text: 'Shop Ltd, 1 Main St', unsubscribeLabel: 'Unsubscribe', preferencesLabel: 'Email preferences' },
];

const contact = {
  firstName: 'Ana',
  recommendedProducts: [
    { name: 'Red shoes', price: '€49', url: 'https://shop.example/p/1', image: 'https://cdn.shop.example/1.png' },
    { name: 'Blue hat', price: '€19' },
  ],
};

function sendFor(attributes: Record<string, unknown>, html: string, text: string) {
  const vars = templateVariables({
    externalId: 'u1',
    attributes,
    flow: { id: 'f', name: 'Win-back' },
    messageId: 'm-1',
    publicUrl: 'https://win.example',
  });
  return renderContent('email', { subject: 'Hi', html, text }, vars);
}

describe('e-mail blocks → MJML → HTML', () => {
  const { html, problems } = blocksToHtml(winBack);
  const text = blocksToText(winBack);

  it('renders responsive HTML MJML accepts, with the Handlebars left for the engine', () => {
    expect(problems).toEqual([]);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('@media only screen and (min-width:480px)'); // MJML's responsive columns
    expect(html).not.toContain('fonts.googleapis.com'); // no web font fetched by the mail client
    expect(html).toContain('{{default firstName "friend"}}');
    expect(html).toContain('{{#each recommendedProducts}}');
    expect(html).toContain('href="{{links.unsubscribe}}"');
    expect(html).toContain('href="{{links.preferences}}"');
    // the engine's own template check finds nothing to refuse
    expect(checkTemplate(html)).toEqual([]);
  });

  it('renders per contact through the engine: variables, the product loop, tracked links', () => {
    const out = sendFor(contact, html, text);
    expect(out.html).toContain('We miss you, Ana');
    expect(out.html).toContain('Hi Ana,<br>your cart is waiting.');
    expect(out.html).toContain('BACK20');
    expect(out.html).toContain('<a href="https://shop.example/p/1"');
    expect(out.html).toContain('Red shoes');
    expect(out.html).toContain('<img src="https://cdn.shop.example/1.png" alt="Red shoes"');
    expect(out.html).toContain('<strong>Blue hat</strong>');
    expect(out.html?.match(/<img src="https:\/\/cdn.shop.example\/1.png"/g)).toHaveLength(1); // Blue hat has none
    expect(out.html).toContain('href="https://win.example/t/u/m-1"');
    expect(out.html).toContain('href="https://win.example/t/p/m-1"');
    expect(out.html).toContain('href="https://win.example/t/c/m-1"');
    expect(out.html).not.toContain('{{');
    // a contact without the list gets an empty table, never an error
    expect(sendFor({ firstName: 'Li' }, html, text).html).not.toContain('Red shoes');
  });

  it('escapes what the marketer types: <script> and quotes are characters, never markup or attribute breakouts', () => {
    const hostile: EmailBlock[] = [
      { id: 'x', type: 'text', text: '<script>alert("x")</script> & "quoted"' },
      { id: 'y', type: 'button', label: '<b>Go</b>', href: 'https://shop.example/?q=" onmouseover="alert(1)' },
      { id: 'z', type: 'button', label: 'Back', href: '{{default url "https://shop.example"}}' },
    ];
    const { html: h, problems: p } = blocksToHtml(hostile);
    expect(p).toEqual([]);
    expect(h).not.toContain('<script>');
    expect(h).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#34;quoted&#34;');
    expect(h).not.toContain('<b>Go</b>');
    expect(h).not.toMatch(/onmouseover="/);
    // the quotes of a helper argument inside an attribute become single quotes, which Handlebars reads the same
    expect(h).toContain(`href="{{default url 'https://shop.example'}}"`);
    const out = sendFor({ firstName: '<img src=x onerror=alert(1)>' }, h, '');
    expect(out.html).toContain('href="https://shop.example"');
    // and a contact's attribute is escaped by the engine when it is printed
    const named = sendFor(
      { firstName: '<img src=x onerror=alert(1)>' },
      blocksToHtml([{ id: 'h', type: 'heading', text: 'Hi {{firstName}}' }]).html,
      '',
    );
    expect(named.html).toContain('Hi &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('writes the plain-text part from the same blocks', () => {
    expect(text).toBe(
      [
        'We miss you, {{default firstName "friend"}}',
        'Hi {{firstName}},\nyour cart is waiting.\n\nCome back today.',
        '[Our new collection]',
        'Your code: BACK20\n20 % off, this week only',
        'Picked for you\n{{#each recommendedProducts}}- {{name}}{{#if price}} · {{price}}{{/if}}{{#if url}}: {{url}}{{/if}}\n{{/each}}',
        'Shop now: {{links.click}}',
        '———',
        'Shop Ltd, 1 Main St\nUnsubscribe: {{links.unsubscribe}}\nEmail preferences: {{links.preferences}}',
      ].join('\n\n'),
    );
    const out = sendFor(contact, html, text);
    expect(out.text).toContain('- Red shoes · €49: https://shop.example/p/1\n- Blue hat · €19\n');
    expect(out.text).toContain('Unsubscribe: https://win.example/t/u/m-1');
    expect(out.text).toContain('Shop now: https://win.example/t/c/m-1');
  });

  it('puts the footer under the card, in a section of its own, wherever it sits in the list', () => {
    const mjml = blocksToMjml([winBack[7], ...winBack.slice(0, 7)]);
    expect(mjml.indexOf('links.unsubscribe')).toBeGreaterThan(mjml.indexOf('BACK20'));
    expect(mjml.match(/<mj-section/g)).toHaveLength(2);
  });
});

describe('the block schema', () => {
  it('refuses links that are not http(s), mailto: or a variable, and raw-HTML triple braces', () => {
    expect(emailBlockSchema.safeParse({ id: 'b', type: 'button', label: 'Go', href: 'javascript:alert(1)' }).success).toBe(false);
    expect(emailBlockSchema.safeParse({ id: 'b', type: 'button', label: 'Go', href: '{{links.click}}' }).success).toBe(true);
    expect(emailBlockSchema.safeParse({ id: 'i', type: 'image', src: 'data:image/png;base64,AAAA', alt: '' }).success).toBe(false);
    expect(emailBlockSchema.safeParse({ id: 't', type: 'text', text: 'Hi {{{firstName}}}' }).success).toBe(false);
    expect(emailBlockSchema.safeParse({ id: 'p', type: 'products', attribute: 'a b' }).success).toBe(false);
    expect(emailBlockSchema.safeParse({ id: 'q', type: 'marquee' }).success).toBe(false);
  });

  it('names the node and the block when a flow carries a bad block', () => {
    const result = validateFlow({
      nodes: [
        { id: 'start', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
        {
          id: 'winback-mail',
          type: 'channel',
          position: { x: 0, y: 100 },
          data: {
            channel: 'email',
            template: {
              subject: 'Hi',
              html: '<p>x</p>',
              blocks: [winBack[0], { id: 'b', type: 'button', label: 'Go', href: 'javascript:alert(1)' }],
            },
          },
        },
      ],
      edges: [{ id: 'e', source: 'start', target: 'winback-mail' }],
    });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({
        nodeId: 'winback-mail',
        field: 'template.blocks[1].href',
        message: 'data.template.blocks[1].href: the button link must start with https:// or be a variable such as {{links.click}}',
      }),
    ]);
  });
});
