/**
 * E-mail blocks → MJML → responsive, client-safe HTML (mjml-browser, in the browser, no server round trip), plus the
 * plain-text part. Handlebars stays Handlebars: the engine renders the stored HTML per contact exactly as the preview
 * does. What the marketer types is copy, never markup — everything outside `{{…}}` is HTML-escaped, so a block that
 * says `<script>` shows the characters; variables print escaped too (the engine escapes the `html` field).
 */
import mjml2html from 'mjml-browser';
import type { EmailBlock } from '../engine';

/** The look of every built e-mail (one place: the builder offers no styling knobs yet). */
const look = {
  font: "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif",
  text: '#1f2933',
  muted: '#6b7280',
  accent: '#2563eb',
  page: '#f3f4f6',
  card: '#ffffff',
} as const;

const HANDLEBARS = /(\{\{[\s\S]*?\}\})/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Copy as HTML text: escaped around its `{{…}}` expressions, which the engine renders (and escapes) per contact. */
export function copyHtml(text: string): string {
  return text
    .split(HANDLEBARS)
    .map((part, i) => (i % 2 === 1 ? part : escapeHtml(part)))
    .join('');
}

/** Paragraphs on blank lines, line breaks on single newlines. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p style="margin:0 0 12px">${copyHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/**
 * Copy as an attribute value in double quotes: escaped like text, and a `"` inside a `{{…}}` expression (a string
 * argument such as `{{default url "https://…"}}`) becomes `'`, which Handlebars reads the same way.
 */
export function attributeHtml(text: string): string {
  return text
    .trim()
    .split(HANDLEBARS)
    .map((part, i) => (i % 2 === 1 ? part.replace(/"/g, "'") : escapeHtml(part)))
    .join('');
}

function blockMjml(block: EmailBlock): string {
  switch (block.type) {
    case 'heading':
      return `<mj-text font-size="26px" font-weight="700" line-height="1.25">${copyHtml(block.text)}</mj-text>`;
    case 'text':
      return `<mj-text>${paragraphs(block.text)}</mj-text>`;
    case 'image': {
      const href = block.href ? ` href="${attributeHtml(block.href)}"` : '';
      return `<mj-image src="${attributeHtml(block.src)}" alt="${attributeHtml(block.alt)}"${href} padding="8px 24px"></mj-image>`;
    }
    case 'button':
      return (
        `<mj-button href="${attributeHtml(block.href)}" background-color="${look.accent}" color="#ffffff" font-size="16px" ` +
        `font-weight="600" border-radius="6px" inner-padding="12px 28px">${copyHtml(block.label)}</mj-button>`
      );
    case 'coupon':
      return (
        `<mj-text align="center"><div style="border:2px dashed ${look.accent};border-radius:6px;padding:14px 8px;` +
        `font-family:'Courier New',Courier,monospace;font-size:24px;font-weight:700;letter-spacing:3px">${copyHtml(block.code)}</div>` +
        (block.note ? `<div style="margin-top:8px;color:${look.muted};font-size:14px">${copyHtml(block.note)}</div>` : '') +
        `</mj-text>`
      );
    case 'products': {
      // inside the loop paths are the item's own: {{name}}, {{price}}, {{url}}, {{image}}; each item is its own
      // one-row table, so an item without an image takes the full width instead of leaving an empty column
      const row =
        `<tr><td style="padding:6px 0"><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>` +
        `{{#if image}}<td style="width:92px;vertical-align:top"><img src="{{image}}" alt="{{name}}" width="80" ` +
        `style="display:block;width:80px;height:auto;border:0;border-radius:4px"></td>{{/if}}` +
        `<td style="vertical-align:top">{{#if url}}<a href="{{url}}" style="color:${look.accent};font-weight:600">{{name}}</a>` +
        `{{else}}<strong>{{name}}</strong>{{/if}}{{#if price}}<br><span style="color:${look.muted}">{{price}}</span>{{/if}}</td>` +
        `</tr></table></td></tr>`;
      const title = block.title ? `<mj-text font-weight="700">${copyHtml(block.title)}</mj-text>` : '';
      return `${title}<mj-table>{{#each ${block.attribute}}}${row}{{/each}}</mj-table>`;
    }
    case 'divider':
      return `<mj-divider border-width="1px" border-color="#e5e7eb" padding="16px 24px"></mj-divider>`;
    case 'footer':
      return (
        `<mj-text align="center" font-size="12px" color="${look.muted}">` +
        (block.text ? `${paragraphs(block.text)}` : '') +
        `<a href="{{links.unsubscribe}}" style="color:${look.muted}">${copyHtml(block.unsubscribeLabel)}</a> · ` +
        `<a href="{{links.preferences}}" style="color:${look.muted}">${copyHtml(block.preferencesLabel)}</a></mj-text>`
      );
  }
}

/** The MJML document of the blocks: one white card on a grey page; the footer sits under the card. */
export function blocksToMjml(blocks: readonly EmailBlock[]): string {
  const body = blocks.filter((b) => b.type !== 'footer').map(blockMjml);
  const footers = blocks.filter((b) => b.type === 'footer').map(blockMjml);
  return [
    '<mjml><mj-head>',
    '<mj-attributes>',
    `<mj-all font-family="${look.font.replace(/"/g, "'")}"></mj-all>`,
    `<mj-text font-size="16px" line-height="1.5" color="${look.text}" padding="8px 24px"></mj-text>`,
    `<mj-table font-size="15px" line-height="1.4" color="${look.text}" padding="8px 24px"></mj-table>`,
    '<mj-button padding="12px 24px"></mj-button>',
    '</mj-attributes></mj-head>',
    `<mj-body background-color="${look.page}" width="600px">`,
    `<mj-section background-color="${look.card}" padding="24px 0"><mj-column>${body.join('')}</mj-column></mj-section>`,
    footers.length ? `<mj-section padding="16px 0"><mj-column>${footers.join('')}</mj-column></mj-section>` : '',
    '</mj-body></mjml>',
  ].join('\n');
}

/** The HTML the engine sends (Handlebars inside) and MJML's own complaints, if any. */
export function blocksToHtml(blocks: readonly EmailBlock[]): { html: string; problems: string[] } {
  const out = mjml2html(blocksToMjml(blocks), { validationLevel: 'soft', fonts: {}, keepComments: false });
  return { html: out.html, problems: out.errors.map((e) => e.formattedMessage ?? e.message) };
}

/** Copy in the plain-text part: as typed (the engine does not escape `text`). */
function blockText(block: EmailBlock): string {
  switch (block.type) {
    case 'heading':
    case 'text':
      return block.text.trim();
    case 'image':
      return block.alt.trim() ? `[${block.alt.trim()}]` : '';
    case 'button':
      return `${block.label.trim()}: ${block.href.trim()}`;
    case 'coupon':
      return [`Your code: ${block.code.trim()}`, block.note?.trim()].filter(Boolean).join('\n');
    case 'products':
      return (
        (block.title ? `${block.title.trim()}\n` : '') +
        `{{#each ${block.attribute}}}- {{name}}{{#if price}} · {{price}}{{/if}}{{#if url}}: {{url}}{{/if}}\n{{/each}}`
      ).trimEnd();
    case 'divider':
      return '———';
    case 'footer':
      return [
        block.text?.trim(),
        `${block.unsubscribeLabel.trim()}: {{links.unsubscribe}}`,
        `${block.preferencesLabel.trim()}: {{links.preferences}}`,
      ]
        .filter(Boolean)
        .join('\n');
  }
}

/** The plain-text part: each block's words, blank lines between. */
export function blocksToText(blocks: readonly EmailBlock[]): string {
  return blocks
    .map(blockText)
    .filter((t) => t !== '')
    .join('\n\n');
}
