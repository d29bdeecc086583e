/**
 * The block list of an e-mail: a palette adds blocks, each block is a small form (copy typed with the same
 * "Insert variable…" picker as every other copy field), the arrows or a drag of the ⠿ handle reorder them, ✕ removes
 * one. Every edit renders the blocks to HTML and plain text on the spot (MJML in the browser) and hands all three to
 * the form, so the preview below and the engine's send read the same stored HTML.
 */
import { useMemo, useState } from 'react';
import type { EmailBlock, EmailBlockType, MessageTemplate } from '../engine';
import { TemplateInput, useTemplateVariables, type TemplateInputField } from '../forms/CopyEditor';
import { TextField } from '../forms/fields';
import { useWorkspaceSchema } from '../forms/RuleBuilder';
import { addBlock, blockNames, blockTypes, moveBlock, removeBlock, setBlockField } from './blocks-model';
import { blocksToHtml, blocksToText } from './render-blocks';

/** What the template stores for these blocks: the blocks, and the HTML and plain text rendered from them. */
export function renderedTemplate(blocks: EmailBlock[]): Pick<MessageTemplate, 'blocks' | 'html' | 'text'> {
  return { blocks, html: blocksToHtml(blocks).html, text: blocksToText(blocks) };
}

/** The copy fields of each block type: which key, its label, and whether it may be left out. */
const fieldsOf: Record<EmailBlockType, (TemplateInputField & { optional?: boolean })[]> = {
  heading: [{ key: 'text', label: 'Heading' }],
  text: [{ key: 'text', label: 'Text', multiline: true, placeholder: 'Hi {{firstName}}, … (a blank line starts a new paragraph)' }],
  image: [
    { key: 'src', label: 'Image address', placeholder: 'https://cdn.example.com/hero.png' },
    { key: 'alt', label: 'Description (shown when images are off)' },
    { key: 'href', label: 'Link (optional)', placeholder: '{{links.click}}', optional: true },
  ],
  button: [
    { key: 'label', label: 'Button text' },
    { key: 'href', label: 'Link', placeholder: '{{links.click}} (tracked) or https://…' },
  ],
  coupon: [
    { key: 'code', label: 'Code', placeholder: 'BACK20' },
    { key: 'note', label: 'Note under the code (optional)', placeholder: '20 % off until Sunday', optional: true },
  ],
  products: [{ key: 'title', label: 'Title (optional)', optional: true }],
  divider: [],
  footer: [
    { key: 'text', label: 'Footer text (optional)', multiline: true, placeholder: 'Shop Ltd · 1 Main Street', optional: true },
    { key: 'unsubscribeLabel', label: 'Unsubscribe link text' },
    { key: 'preferencesLabel', label: 'Preferences link text' },
  ],
};

export default function BlockEditor({
  blocks,
  disabled,
  onChange,
}: {
  blocks: EmailBlock[];
  disabled: boolean;
  onChange: (patch: Pick<MessageTemplate, 'blocks' | 'html' | 'text'>) => void;
}) {
  const variables = useTemplateVariables();
  const schema = useWorkspaceSchema();
  const lists = schema?.attributes.filter((a) => a.type === 'array').map((a) => a.key) ?? [];
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const problems = useMemo(() => blocksToHtml(blocks).problems, [blocks]);
  const set = (next: EmailBlock[]) => onChange(renderedTemplate(next));

  return (
    <div className="email-builder" data-email-builder>
      {!disabled && (
        <div className="email-palette" role="group" aria-label="Add a block">
          {blockTypes.map((type) => (
            <button key={type} type="button" className="btn small" data-add-block={type} onClick={() => set(addBlock(blocks, type))}>
              + {blockNames[type]}
            </button>
          ))}
        </div>
      )}
      {blocks.length === 0 && <p className="hint">No blocks yet: add a heading, text and a button from the row above.</p>}
      <ol className="email-blocks">
        {blocks.map((block, index) => (
          <li
            key={block.id}
            className={`email-block ${over === index && dragged !== index ? 'drop-target' : ''}`}
            data-block={block.type}
            data-block-index={index}
            onDragOver={(e) => {
              if (dragged === null) return;
              e.preventDefault();
              setOver(index);
            }}
            onDragLeave={() => setOver((o) => (o === index ? null : o))}
            onDrop={(e) => {
              e.preventDefault();
              if (dragged !== null) set(moveBlock(blocks, dragged, index));
              setDragged(null);
              setOver(null);
            }}
          >
            <div className="email-block-head">
              {!disabled && (
                <span
                  className="drag-handle"
                  draggable
                  title="Drag to move"
                  aria-hidden
                  onDragStart={(e) => {
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', block.id);
                    setDragged(index);
                  }}
                  onDragEnd={() => {
                    setDragged(null);
                    setOver(null);
                  }}
                >
                  ⠿
                </span>
              )}
              <span>{blockNames[block.type]}</span>
              {!disabled && (
                <span className="block-actions">
                  <button
                    type="button"
                    className="btn small ghost"
                    aria-label={`Move ${blockNames[block.type]} up`}
                    data-block-action="up"
                    disabled={index === 0}
                    onClick={() => set(moveBlock(blocks, index, index - 1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn small ghost"
                    aria-label={`Move ${blockNames[block.type]} down`}
                    data-block-action="down"
                    disabled={index === blocks.length - 1}
                    onClick={() => set(moveBlock(blocks, index, index + 1))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn small ghost"
                    aria-label={`Remove ${blockNames[block.type]}`}
                    data-block-action="remove"
                    onClick={() => set(removeBlock(blocks, index))}
                  >
                    ✕
                  </button>
                </span>
              )}
            </div>
            {block.type === 'products' && (
              <TextField
                label="Contact attribute with the products"
                name={`block-${block.id}-attribute`}
                value={block.attribute}
                list="email-list-attributes"
                issueKey={`blocks[${index}].attribute`}
                hint="A list of items with name, price, url and image; each item becomes a row."
                disabled={disabled}
                onChange={(v) => set(setBlockField(blocks, index, 'attribute', v.trim(), false))}
              />
            )}
            {fieldsOf[block.type].map((f) => (
              <TemplateInput
                key={f.key}
                field={{ ...f, key: `block-${block.id}-${f.key}`, issueKey: `blocks[${index}].${f.key}` }}
                value={(block as Record<string, string | undefined>)[f.key]}
                variables={variables}
                disabled={disabled}
                onChange={(v) => set(setBlockField(blocks, index, f.key, v, f.optional ?? false))}
              />
            ))}
          </li>
        ))}
      </ol>
      <datalist id="email-list-attributes">
        {lists.map((key) => (
          <option key={key} value={key} />
        ))}
      </datalist>
      {problems.length > 0 && (
        <ul className="issue-list compact">
          {problems.map((p) => (
            <li key={p} className="issue warning">
              {p}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
