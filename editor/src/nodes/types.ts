import type { ComponentType } from 'react';
import type { NodeType } from '../engine';
import type { ConfigOf } from '../graph/model';

/** What a step's form gets: its data (the engine's `data` shape for the type) and where to send a changed copy. */
export interface NodeFormProps<T extends NodeType> {
  nodeId: string;
  config: ConfigOf<T>;
  /** `renames`: exits whose name changed (old → new), so their connections follow */
  onChange: (config: ConfigOf<T>, renames?: Record<string, string>) => void;
  disabled: boolean;
}

/** A form over part of a step's data (a sub-form of a type's form). */
export interface FormProps<C> {
  config: C;
  onChange: (config: C, renames?: Record<string, string>) => void;
  disabled: boolean;
}

/** A step's live figures from the metrics endpoint, as the canvas cards show them. */
export interface StepCounts {
  entered: number;
  waiting: number;
  sent: number;
  converted: number;
}

/**
 * What the editor knows of one node type, beside what the core knows (`traitsOf`: label, hint, summary, handles):
 * its form, its icon and what its card shows. One folder per type under `nodes/`, like `engine/src/core/nodes/`.
 */
export interface EditorNodeKind<T extends NodeType> {
  /** the inspector's form for the type's data */
  Form: ComponentType<NodeFormProps<T>>;
  /** an SVG path on a 24 × 24 grid: palette, card and inspector */
  icon: string;
  /** the one count a compact card shows: what this kind of step is about */
  keyCount(counts: StepCounts): { value: number; words: string };
  /** the step sends messages: its card shows the sent count (live and simulated) */
  sends?: boolean;
  /** something the card shows beside each exit (a condition's layer verdict) */
  ExitBadge?: ComponentType<{ nodeId: string; handle: string }>;
  /** words added to the card's summary, knowing whether a connection leads into the step */
  summaryNote?(config: ConfigOf<T>, reachedByConnection: boolean): string;
  /** what a journey waiting at such a step waits for, in the journey log (“order_paid”) */
  waitsFor?(config: ConfigOf<T>): string;
}

export type EditorNodeRegistry = { [T in NodeType]: EditorNodeKind<T> };
