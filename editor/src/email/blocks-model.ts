/**
 * The builder's edits as plain functions over the block list (no React): a new block of a type with starting copy,
 * move, remove, change one field. The words of each block type live here too, for the palette and the cards.
 */
import type { EmailBlock, EmailBlockType } from '../engine';

export const blockTypes: readonly EmailBlockType[] = ['heading', 'text', 'image', 'button', 'coupon', 'products', 'divider', 'footer'];

export const blockNames: Record<EmailBlockType, string> = {
  heading: 'Heading',
  text: 'Text',
  image: 'Image',
  button: 'Button',
  coupon: 'Coupon code',
  products: 'Product list',
  divider: 'Divider',
  footer: 'Footer',
};

let counter = 0;
/** Unique within a message (the list is short and ids only key React's rows and the validation paths). */
function newId(existing: readonly EmailBlock[]): string {
  const taken = new Set(existing.map((b) => b.id));
  let id: string;
  do id = `b${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}`;
  while (taken.has(id));
  return id;
}

/** A block as the palette adds it: copy a marketer edits rather than an empty box (except what only they know). */
export function newBlock(type: EmailBlockType, existing: readonly EmailBlock[]): EmailBlock {
  const id = newId(existing);
  switch (type) {
    case 'heading':
      return { id, type, text: 'We miss you, {{default firstName "there"}}' };
    case 'text':
      return { id, type, text: '' };
    case 'image':
      return { id, type, src: '', alt: '' };
    case 'button':
      return { id, type, label: 'Come back', href: '{{links.click}}' };
    case 'coupon':
      return { id, type, code: '', note: '' };
    case 'products':
      return { id, type, attribute: 'recommendedProducts', title: 'Picked for you' };
    case 'divider':
      return { id, type };
    case 'footer':
      return { id, type, text: '', unsubscribeLabel: 'Unsubscribe', preferencesLabel: 'Email preferences' };
  }
}

/** Where the palette puts a block: before the footer (which stays last), else at the end. */
export function addBlock(blocks: readonly EmailBlock[], type: EmailBlockType): EmailBlock[] {
  const block = newBlock(type, blocks);
  const footer = blocks.findIndex((b) => b.type === 'footer');
  if (type === 'footer' || footer < 0) return [...blocks, block];
  return [...blocks.slice(0, footer), block, ...blocks.slice(footer)];
}

/** Moves the block at `from` to index `to` (of the list without it); out-of-range moves change nothing. */
export function moveBlock(blocks: readonly EmailBlock[], from: number, to: number): EmailBlock[] {
  if (from < 0 || from >= blocks.length || to < 0 || to >= blocks.length || from === to) return [...blocks];
  const next = [...blocks];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved);
  return next;
}

export function removeBlock(blocks: readonly EmailBlock[], index: number): EmailBlock[] {
  return blocks.filter((_, i) => i !== index);
}

/** One field of one block set (an optional field set to '' is dropped, as the schema wants it absent). */
export function setBlockField(blocks: readonly EmailBlock[], index: number, key: string, value: string, optional: boolean): EmailBlock[] {
  return blocks.map((b, i) => {
    if (i !== index) return b;
    const next = { ...b } as Record<string, unknown>;
    if (optional && value === '') delete next[key];
    else next[key] = value;
    return next as EmailBlock;
  });
}

/** The win-back e-mail a marketer starts from when switching a message to blocks. */
export function starterBlocks(): EmailBlock[] {
  return (['heading', 'text', 'button', 'footer'] as const).reduce<EmailBlock[]>((list, type) => addBlock(list, type), []);
}
