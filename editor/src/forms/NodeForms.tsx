/** The inspector's typed form for a step: its type's form (`nodes/<type>/`), editing exactly the engine's `data` shape. */
import type { NodeType } from '../engine';
import type { ConfigOf, EditorNode } from '../graph/model';
import { kindOf } from '../nodes';

export function NodeForm({
  node,
  onChange,
  disabled,
}: {
  node: EditorNode;
  onChange: (config: ConfigOf<NodeType>, renames?: Record<string, string>) => void;
  disabled: boolean;
}) {
  const { Form } = kindOf(node.type);
  return <Form nodeId={node.id} config={node.data.config} onChange={onChange} disabled={disabled} />;
}
