/**
 * The e-mail copy of a message: built from blocks, or hand-written HTML as the advanced mode. Blocks → HTML keeps the rendered HTML to edit by hand; HTML → blocks re-renders the blocks and so
 * drops hand edits, which it says first. The block editor (and MJML with it) loads only when blocks are shown.
 */
import { lazy, Suspense, useState } from 'react';
import type { EmailBlock, MessageTemplate } from '../engine';
import { CopyFields } from '../forms/CopyEditor';
import { starterBlocks } from './blocks-model';

const BlockEditor = lazy(() => import('./BlockEditor'));

type CopyKey = Exclude<keyof MessageTemplate, 'blocks'>;
export type TemplatePatch = Partial<Record<keyof MessageTemplate, MessageTemplate[keyof MessageTemplate] | undefined>>;

export function EmailCopy({
  template,
  disabled,
  costCents,
  onField,
  onPatch,
}: {
  template: MessageTemplate;
  disabled: boolean;
  costCents?: number;
  onField: (key: CopyKey, value: string) => void;
  /** several fields at once; undefined removes a field */
  onPatch: (patch: TemplatePatch) => void;
}) {
  const blocks = template.blocks;
  // the blocks left behind by a switch to HTML, to come back to
  const [lastBlocks, setLastBlocks] = useState<EmailBlock[] | null>(null);
  const [pending, setPending] = useState<Pick<MessageTemplate, 'blocks' | 'html' | 'text'> | null>(null);

  const toHtml = () => {
    setLastBlocks(blocks ?? null);
    onPatch({ blocks: undefined });
  };
  const toBlocks = async () => {
    const { renderedTemplate } = await import('./BlockEditor');
    const next = renderedTemplate(lastBlocks ?? starterBlocks());
    // nothing hand-written to lose: switch at once
    if (!template.html?.trim() || template.html === next.html) onPatch(next);
    else setPending(next);
  };

  return (
    <div className="email-copy" data-email-mode={blocks ? 'blocks' : 'html'}>
      {!disabled && (
        <>
          <div className="segmented email-mode" role="group" aria-label="How the e-mail is written">
            <button type="button" className={blocks ? 'on' : ''} data-email-mode-choice="blocks" onClick={() => !blocks && void toBlocks()}>
              Blocks
            </button>
            <button type="button" className={blocks ? '' : 'on'} data-email-mode-choice="html" onClick={() => blocks && toHtml()}>
              HTML (advanced)
            </button>
          </div>
          <p className="hint">
            {blocks
              ? 'Composed from blocks: the responsive HTML and the plain-text part are made for you.'
              : 'Hand-written HTML and plain text.'}
          </p>
        </>
      )}
      {pending && (
        <div className="email-switch-warning" role="alert" data-email-switch-warning>
          <p>Switching to blocks replaces the HTML with what the blocks make: your hand edits to the HTML are dropped.</p>
          <button
            type="button"
            className="btn small danger"
            data-email-switch="confirm"
            onClick={() => {
              onPatch(pending);
              setPending(null);
            }}
          >
            Switch and drop my HTML edits
          </button>{' '}
          <button type="button" className="btn small" data-email-switch="cancel" onClick={() => setPending(null)}>
            Keep the HTML
          </button>
        </div>
      )}
      <CopyFields
        channel="email"
        template={template}
        disabled={disabled}
        onChange={onField}
        costCents={costCents}
        omit={blocks ? ['html', 'text'] : []}
      />
      {blocks && (
        <Suspense fallback={<p className="hint">Loading the block editor…</p>}>
          <BlockEditor blocks={blocks} disabled={disabled} onChange={onPatch} />
        </Suspense>
      )}
    </div>
  );
}
