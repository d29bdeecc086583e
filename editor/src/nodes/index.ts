/**
 * The editor's node types, found by type: each folder holds a type's form, icon and card facts, the way
 * `engine/src/core/nodes/<type>.ts` holds the core's. Adding a type touches its folder here, this registry and the
 * core's (the palette, names, hints, summaries and exits come from the core's traits).
 */
import type { NodeType } from '../engine';
import { channelKind } from './channel';
import { conditionKind } from './condition';
import { delayKind } from './delay';
import { goalKind } from './goal';
import { triggerKind } from './trigger';
import type { EditorNodeKind, EditorNodeRegistry } from './types';

export const editorNodes: EditorNodeRegistry = {
  trigger: triggerKind,
  condition: conditionKind,
  delay: delayKind,
  channel: channelKind,
  goal: goalKind,
};

/** The kind of a type, typed loosely for callers that hold a node of any type. */
export function kindOf(type: NodeType): EditorNodeKind<NodeType> {
  return editorNodes[type] as unknown as EditorNodeKind<NodeType>;
}

export type { EditorNodeKind, FormProps, NodeFormProps, StepCounts } from './types';
