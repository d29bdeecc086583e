/**
 * The block e-mail builder end to end, in Debian's Chromium against the real app: a marketer switches a hand-written
 * e-mail to blocks (warned that the hand edits go), builds heading + text with {{firstName}} + coupon + button +
 * footer from the palette, reorders by drag and by arrow, previews it for a real contact at desktop and phone width;
 * the flow goes live, the engine's tick sends it over SMTP into the dev mailbox (`npm run dev:mailbox`, run as its own
 * process), and the delivered HTML is the previewed HTML for that contact, byte for byte, with its plain-text part
 * beside it as multipart/alternative; the in-app Inbox shows the same. A hostile block is refused naming its node
 * and block. Screenshots at 1440×900 under tests/artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { FlowGraphDocument } from '@boomerang/engine';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, listenLocally, signedInPage } from '../support/editor-browser';
import { repoRoot } from '../support/process';
import { refusedPort } from '../support/provider-stubs';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'marketer@example.com';
const PASSWORD = 'correct horse battery staple';
const START = new Date('2027-03-01T10:00:00Z');
const PUBLIC_URL = 'https://win.example';
/** A product picture the offline browser can show: a red square. */
const SHOE_IMAGE = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><rect width="80" height="80" fill="#dc2626"/></svg>')}`;
/** The message id a preview renders its links with (templates.controller.ts): the send has the real one. */
const PREVIEW_MESSAGE_ID = '00000000-0000-0000-0000-000000000000';

const graph: FlowGraphDocument = {
  nodes: [
    { id: 'lapsed', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
    {
      id: 'mail',
      type: 'channel',
      position: { x: 0, y: 220 },
      data: { channel: 'email', template: { subject: 'We miss you, {{firstName}}', html: '<p>Hand-written, {{firstName}}</p>' } },
    },
  ],
  edges: [{ id: 'e1', source: 'lapsed', target: 'mail' }],
};

/** `npm run dev:mailbox` as a developer runs it, on free ports. */
async function startDevMailbox(): Promise<{ child: ChildProcess; smtpUrl: string; httpUrl: string }> {
  const [smtpPort, httpPort] = [await refusedPort(), await refusedPort()];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tests/support/dev-mailbox.ts'], {
    cwd: repoRoot,
    env: { ...process.env, MAILBOX_SMTP_PORT: String(smtpPort), MAILBOX_HTTP_PORT: String(httpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!/inbox http:/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the dev mailbox did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, smtpUrl: `smtp://127.0.0.1:${smtpPort}`, httpUrl: `http://127.0.0.1:${httpPort}` };
}

/** Waits until the frame shows `text` (the server preview answers after a short debounce). */
async function srcdocWith(frame: Locator, text: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!((await frame.getAttribute('srcdoc').catch(() => null)) ?? '').includes(text)) {
    if (Date.now() > deadline) throw new Error(`the preview never showed "${text}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the frame no longer shows `text`. */
async function previewWithout(frame: Locator, text: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (((await frame.getAttribute('srcdoc').catch(() => null)) ?? text).includes(text)) {
    if (Date.now() > deadline) throw new Error(`the preview still shows "${text}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1440x900.png`) });
}

describe('the block e-mail builder', () => {
  let api: ApiHarness;
  let mailbox: Awaited<ReturnType<typeof startDevMailbox>>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let flowId: string;
  let previewedHtml = '';
  const pageErrors: string[] = [];
  const auth = () => ({ Authorization: api.admin });
  const block = (i: number) => page.locator(`[data-inspector="mail"] [data-block-index="${i}"]`);
  const order = () =>
    page.locator('[data-inspector="mail"] [data-block]').evaluateAll((els) => els.map((e) => e.getAttribute('data-block')));

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    mailbox = await startDevMailbox();
    api = await startApi('editor_email_builder', {
      CLOCK: 'virtual',
      PUBLIC_URL,
      SMTP_URL: mailbox.smtpUrl,
      SMTP_FROM: 'Shop <hello@shop.test>',
    });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
    base = await listenLocally(api);
    await api.http().put('/api/settings').set(auth()).send({ quietHours: null, frequencyCaps: [] }).expect(200);
    await api.http().post('/api/users').set(auth()).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    await api
      .http()
      .post('/api/contacts')
      .set(auth())
      .send([
        {
          externalId: 'ana',
          timezone: 'Europe/Paris',
          consent: { email: true },
          attributes: {
            firstName: 'Ana',
            email: 'ana@example.com',
            recommendedProducts: [
              { name: 'Red shoes', price: '€49', url: 'https://shop.example/p/1', image: SHOE_IMAGE },
              { name: 'Blue hat' },
            ],
          },
        },
      ])
      .expect(200);
    await api
      .http()
      .post('/api/events')
      .set(auth())
      .send([{ externalId: 'ana', name: 'app_open', occurredAt: new Date(START.getTime() - 10 * 86_400_000).toISOString() }])
      .expect(200);
    flowId = (
      await api
        .http()
        .post('/api/flows')
        .set(auth())
        .send({ name: 'Lapsed e-mail', graph, settings: { holdoutPercent: 0 } })
        .expect(201)
    ).body.id;
    ({ browser, page } = await signedInPage(base, EMAIL, PASSWORD, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    mailbox?.child.kill('SIGTERM');
  });

  it('switches hand-written HTML to blocks only after saying the hand edits go, then builds from the palette', async () => {
    await page.goto(`${base}/#/flows/${flowId}`);
    await page.click('[data-node-id="mail"]');
    const inspector = page.locator('[data-inspector="mail"]');
    await inspector.locator('[data-email-mode="html"] textarea[name=template-html]').waitFor();

    await inspector.locator('[data-email-mode-choice=blocks]').click();
    const warning = inspector.locator('[data-email-switch-warning]');
    await warning.getByText('your hand edits to the HTML are dropped').waitFor();
    await warning.locator('[data-email-switch=cancel]').click();
    expect(await inspector.locator('textarea[name=template-html]').inputValue()).toBe('<p>Hand-written, {{firstName}}</p>');
    await inspector.locator('[data-email-mode-choice=blocks]').click();
    await inspector.locator('[data-email-switch=confirm]').click();
    await inspector.locator('[data-email-mode="blocks"] [data-email-builder]').waitFor();
    expect(await order()).toEqual(['heading', 'text', 'button', 'footer']);
    expect(await inspector.locator('textarea[name=template-html]').count()).toBe(0);

    // the starter's button goes; a coupon and a button come from the palette (above the footer)
    await block(2).locator('[data-block-action=remove]').click();
    await inspector.locator('[data-add-block=coupon]').click();
    await inspector.locator('[data-add-block=button]').click();
    expect(await order()).toEqual(['heading', 'text', 'coupon', 'button', 'footer']);

    // copy, with {{firstName}} from the same "Insert variable…" picker as every copy field, and a hostile bit
    await block(0).locator('input').first().fill('We miss you');
    const text = block(1).locator('textarea');
    await text.fill('Hi , your cart is waiting. <script>alert(1)</script> "Quoted" & more.');
    await text.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(3, 3));
    await block(1).locator('select[aria-label^="Insert variable"]').selectOption('firstName');
    expect(await text.inputValue()).toBe('Hi {{firstName}}, your cart is waiting. <script>alert(1)</script> "Quoted" & more.');
    await block(2).locator('input').first().fill('BACK20');
    await block(2).locator('input').nth(1).fill('20 % off until Sunday');
    await block(3).locator('input').first().fill('Shop now');

    // reorder: drag the button's handle onto the coupon, then the arrow puts it back
    await block(3).locator('.drag-handle').dragTo(block(2));
    expect(await order()).toEqual(['heading', 'text', 'button', 'coupon', 'footer']);
    await block(2).locator('[data-block-action=down]').click();
    expect(await order()).toEqual(['heading', 'text', 'coupon', 'button', 'footer']);

    // a product list from a list attribute, picked from the workspace's list attributes
    await inspector.locator('[data-add-block=products]').click();
    expect(await order()).toEqual(['heading', 'text', 'coupon', 'button', 'products', 'footer']);
    const attribute = block(4).locator('input[name$="-attribute"]');
    expect(await attribute.inputValue()).toBe('recommendedProducts');
    const listId = await attribute.getAttribute('list');
    expect(await page.locator(`datalist#${listId} option`).evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual([
      'recommendedProducts',
    ]);

    // preview for the real contact, at desktop and phone width
    await inspector.locator('input[name=preview-contact]').fill('ana');
    const frame = inspector.locator('[data-preview-source=server] iframe.mock-email-frame');
    await srcdocWith(frame, 'Hi Ana, your cart');
    expect((await frame.boundingBox())?.width).toBe(600);
    await frame.scrollIntoViewIfNeeded();
    await shoot(page, 'email-builder-desktop');
    await inspector.locator('[data-preview-width=mobile]').click();
    expect((await frame.boundingBox())?.width).toBe(375);
    await shoot(page, 'email-builder-mobile');
    await inspector.locator('[data-preview-width=desktop]').click();
    await inspector.locator('[data-email-builder]').scrollIntoViewIfNeeded();
    await shoot(page, 'email-builder-blocks');

    previewedHtml = (await frame.getAttribute('srcdoc')) ?? '';
    expect(previewedHtml).toContain('We miss you');
    expect(previewedHtml).toContain('BACK20');
    expect(previewedHtml).toContain('<a href="https://shop.example/p/1"');
    expect(previewedHtml).toContain('<strong>Blue hat</strong>');
    expect(previewedHtml).not.toContain('<script>');
    expect(previewedHtml).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#34;Quoted&#34; &#38; more.');
    expect(previewedHtml).toContain(`href="${PUBLIC_URL}/t/p/${PREVIEW_MESSAGE_ID}"`);

    // stored as blocks beside the HTML and the text made from them (autosaved)
    await page.locator('[data-save-status=saved]').waitFor();
    const stored = (await api.http().get(`/api/flows/${flowId}`).set(auth()).expect(200)).body;
    const template = stored.graph.nodes.find((n: { id: string }) => n.id === 'mail').data.template;
    expect(template.blocks.map((b: { type: string }) => b.type)).toEqual(['heading', 'text', 'coupon', 'button', 'products', 'footer']);
    expect(template.html).toContain('Hi {{firstName}}, your cart');
    expect(template.text).toContain('Your code: BACK20');
    expect(template.text).toContain('Unsubscribe: {{links.unsubscribe}}');

    // blocks → HTML keeps the rendered HTML to edit by hand; back to blocks with no hand edit switches at once
    await inspector.locator('[data-email-mode-choice=html]').click();
    const htmlBox = inspector.locator('textarea[name=template-html]');
    expect(await htmlBox.inputValue()).toBe(template.html);
    await inspector.locator('[data-email-mode-choice=blocks]').click();
    await inspector.locator('[data-email-builder]').waitFor();
    expect(await inspector.locator('[data-email-switch-warning]').count()).toBe(0);
    expect(await order()).toEqual(['heading', 'text', 'coupon', 'button', 'products', 'footer']);
    // a hand edit, then back to blocks: said first, and the edit is gone
    await inspector.locator('[data-email-mode-choice=html]').click();
    await htmlBox.fill(template.html.replace('We miss you', 'We REALLY miss you'));
    await inspector.locator('[data-email-mode-choice=blocks]').click();
    await inspector.locator('[data-email-switch=confirm]').click();
    await inspector.locator('[data-email-builder]').waitFor();
    await srcdocWith(frame, 'We miss you');
    await previewWithout(frame, 'REALLY');
    await page.locator('[data-save-status=saved]').waitFor();
    const resaved = (await api.http().get(`/api/flows/${flowId}`).set(auth()).expect(200)).body;
    expect(resaved.graph.nodes.find((n: { id: string }) => n.id === 'mail').data.template).toEqual(template);
    expect(pageErrors).toEqual([]);
  });

  it('sends exactly the previewed HTML, with its plain-text part, to the dev mailbox and the in-app Inbox', async () => {
    await api.http().post(`/api/flows/${flowId}/activate`).set(auth()).expect(200);
    await api.http().post('/api/clock/advance').set(auth()).send({ by: 'PT1H' }).expect(201);
    const [message] = await api.sql<{ id: string; status: string }>(`SELECT id, status FROM messages`);
    expect(message.status).toBe('sent');

    // the dev mailbox's own pages: the HTML alone, and the mail with its text part and headers
    const delivered = await (await fetch(`${mailbox.httpUrl}/mail/0/html`)).text();
    const pixel = `<img src="${PUBLIC_URL}/t/o/${message.id}" width="1" height="1" alt="" style="display:none">`;
    expect(delivered).toContain(pixel);
    const sentForAna = delivered.replace(pixel, '');
    // the sent links are signed (<message id>.<expiry>.<signature>); the preview has no message to sign for
    const token = new RegExp(`${message.id}\\.[0-9a-z]+\\.[\\w-]+`, 'g');
    expect(sentForAna).toMatch(new RegExp(`href="${PUBLIC_URL}/t/u/${message.id}\\.[0-9a-z]+\\.[\\w-]+"`));
    expect(sentForAna.replace(token, message.id).replaceAll(message.id, PREVIEW_MESSAGE_ID)).toBe(previewedHtml);

    const mailPage = await (await fetch(`${mailbox.httpUrl}/mail/0`)).text();
    expect(mailPage).toContain('We miss you, Ana');
    const textPart = /<h2>Text<\/h2><pre>([\s\S]*?)<\/pre>/.exec(mailPage)?.[1] ?? '';
    expect(textPart).toContain('Hi Ana, your cart is waiting.');
    expect(textPart).toContain('Your code: BACK20');
    expect(textPart).toContain('- Red shoes · €49: https://shop.example/p/1\n- Blue hat');
    expect(textPart).toMatch(new RegExp(`Unsubscribe: ${PUBLIC_URL}/t/u/${message.id}\\.[0-9a-z]+\\.[\\w-]+`));
    expect(mailPage).toMatch(/Content-Type: multipart\/alternative/i);

    await page.goto(mailbox.httpUrl + '/mail/0');
    await shoot(page, 'email-dev-mailbox');

    // the in-app Inbox renders the stored message: the same HTML, without the open pixel only the mail carries
    await page.goto(`${base}/#/inbox`);
    const inboxFrame = page.locator('[data-message=email] iframe.mock-email-frame').first();
    await inboxFrame.waitFor();
    expect(await inboxFrame.getAttribute('srcdoc')).toBe(sentForAna);
    // a card narrower than a phone zooms the frame down instead of cutting the e-mail off
    const card = (await page.locator('[data-message=email] .mock-email-stage').first().boundingBox())!;
    const shown = (await inboxFrame.boundingBox())!;
    expect(card.width).toBeLessThan(375);
    expect(Math.abs(shown.width - card.width)).toBeLessThan(2);
    await shoot(page, 'email-inbox');
  });

  it('refuses a hostile block naming the node and the block', async () => {
    const bad = structuredClone(graph);
    (bad.nodes[1].data as { template: Record<string, unknown> }).template.blocks = [
      { id: 'h', type: 'heading', text: 'Hi' },
      { id: 'b', type: 'button', label: 'Go', href: 'javascript:alert(1)' },
    ];
    const refused = await api.http().post('/api/flows').set(auth()).send({ name: 'Bad block', graph: bad }).expect(400);
    expect(refused.body.message).toBe(
      'graph.nodes[1].data.template.blocks[1].href (node "mail"): the button link must start with https:// or be a variable such as {{links.click}}',
    );
  });
});
