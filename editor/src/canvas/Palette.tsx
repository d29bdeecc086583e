import { flowNodeTypes, type NodeType } from '../engine';
import { typeHint, typeLabel } from '../graph/summary';
import { NodeIcon } from './icons';

export const DRAG_TYPE = 'application/x-boomerang-node';

/** Click to add a node at the centre of the view, or drag it onto the canvas. */
export function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  return (
    <aside className="palette">
      <div className="panel-title">Add a step</div>
      {flowNodeTypes.map((type) => (
        <button
          key={type}
          className={`palette-item palette-${type}`}
          data-palette={type}
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(DRAG_TYPE, type);
            e.dataTransfer.effectAllowed = 'move';
          }}
          onClick={() => onAdd(type)}
          title={typeHint[type]}
        >
          <span className={`palette-icon flow-node-${type}`}>
            <NodeIcon type={type} size={16} />
          </span>
          <span className="palette-text">
            <strong>{typeLabel[type]}</strong>
            <small>{typeHint[type]}</small>
          </span>
        </button>
      ))}
      <p className="hint palette-help">
        Drag a step onto the canvas, then drag from an exit at the bottom of a step to the top of the next. Delete removes the selection;
        Ctrl-Z undoes, Ctrl-D duplicates, Ctrl-C/V copy and paste.
      </p>
    </aside>
  );
}
