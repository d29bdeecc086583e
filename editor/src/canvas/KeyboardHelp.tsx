/** The canvas's keys and mouse gestures, opened with `?` (or the "Keys" button) and closed with Escape. */
import { useEffect, useState } from 'react';
import { Modal } from '../flow/Dialogs';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

export const shortcuts: [keys: string, what: string][] = [
  ['Shift-click', 'add a step to the selection (or take it out)'],
  ['Shift-drag on the canvas', 'select the steps inside a rectangle'],
  ['Drag on the canvas', 'move around; the wheel or a pinch zooms'],
  ['Delete / Backspace', 'delete the selected steps and their connections'],
  [`${mod}-Z`, 'undo'],
  [`${mod}-Shift-Z or ${mod}-Y`, 'redo'],
  [`${mod}-C, ${mod}-V`, 'copy and paste the selected steps'],
  [`${mod}-D`, 'duplicate the selected steps'],
  ['?', 'this list'],
];

/** `?` anywhere outside a text field toggles the list; Escape closes it. */
export function useKeyboardHelp(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable=true]')) return;
      if (e.key === '?') {
        e.preventDefault();
        setOpen((o) => !o);
      } else if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return [open, setOpen];
}

export function KeyboardHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keys and gestures" onClose={onClose}>
      <table className="table compact" data-keyboard-help>
        <tbody>
          {shortcuts.map(([keys, what]) => (
            <tr key={keys}>
              <th>
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
