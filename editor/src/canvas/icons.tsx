import type { NodeType } from '../engine';

const paths: Record<NodeType, string> = {
  trigger: 'M13 2 4 14h7l-1 8 9-12h-7z',
  condition: 'M12 2 22 12 12 22 2 12z',
  delay: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 5h-2v6l5 3 1-1.7-4-2.3z',
  channel: 'M2 4h20v14H6l-4 4zm3 3v2h14V7zm0 4v2h10v-2z',
  goal: 'M5 2h2v20H5zm3 1h12l-3 4.5L20 12H8z',
};

export function NodeIcon({ type, size = 14 }: { type: NodeType; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      <path d={paths[type]} fill="currentColor" />
    </svg>
  );
}
