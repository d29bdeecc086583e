/**
 * validateFlow: the graph document checked for everything the engine relies on. Never throws.
 *
 * Errors name the node (`nodeId`, null for graph-level problems) and, for edges, the edge. Unconnected out handles
 * are warnings: the journey ends there as `completed`. Every node must be reachable from the trigger, except goal
 * nodes without incoming edges: those are journey-wide goals (checked before every step and on every wake-up).
 */
import type { z } from 'zod';
import { isValidDuration, isValidTimeZone } from './durations';
import { edgeProblems, type EdgeProblem } from './edges';
import { edgeHandle, FlowGraph, outHandles } from './graph';
import { localeChain } from './locale';
import { checkTemplate, missingChannelFields, templateFields } from './render';
import { forEachLeaf } from './rules';
import { flattenZodIssues, formatPath } from './zod-issues';
import { flowGraphSchema, nodeTypes, type FlowEdge, type FlowGraphDocument, type FlowNode, type Rule } from './schema';

export interface ValidationIssue {
  nodeId: string | null;
  edgeId?: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** the parsed document when the schema accepted it */
  graph?: FlowGraphDocument;
}

export function validateFlow(input: unknown): ValidationResult {
  try {
    const parsed = flowGraphSchema.safeParse(input);
    if (!parsed.success) {
      return { valid: false, errors: dedupe(schemaIssues(parsed.error.issues, input)), warnings: [] };
    }
    const errors: ValidationIssue[] = [];
    const warnings: ValidationIssue[] = [];
    checkGraph(parsed.data, errors, warnings);
    const result: ValidationResult = { valid: errors.length === 0, errors: dedupe(errors), warnings: dedupe(warnings) };
    if (result.valid) result.graph = parsed.data;
    return result;
  } catch (error) {
    return {
      valid: false,
      errors: [{ nodeId: null, message: `could not validate: ${error instanceof Error ? error.message : String(error)}` }],
      warnings: [],
    };
  }
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.nodeId}\u0000${i.edgeId ?? ''}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ------------------------------------------------------------------------------------------------ schema issues

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

function schemaIssues(issues: readonly Issue[], input: unknown): ValidationIssue[] {
  return flattenZodIssues(issues, []).map(({ issue, path }) => locate(issue, path, input));
}

function describe(issue: Issue, field: string): string {
  const message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `${field || 'value'} is required (${issue.expected})`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${field ? `${field}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return field ? `${field}: ${message}` : message;
}

function locate(issue: Issue, path: Path, input: unknown): ValidationIssue {
  const [area, index, ...rest] = path;
  const list = isRecord(input) ? input[area as string] : undefined;
  if ((area === 'nodes' || area === 'edges') && typeof index === 'number' && Array.isArray(list)) {
    const item = list[index];
    const id = isRecord(item) && typeof item.id === 'string' && item.id !== '' ? item.id : null;
    const where = formatPath(rest);
    if (area === 'nodes') {
      if (where === 'type' && isRecord(item) && item.type !== undefined) {
        const name = `node ${id ? `"${id}"` : `nodes[${index}]`}`;
        return { nodeId: id, message: `${name}: unknown type ${JSON.stringify(item.type)} (a step is a ${nodeTypes.join(', ')})` };
      }
      return { nodeId: id, message: describe(issue, id ? where : formatPath(path)) };
    }
    const source = isRecord(item) && typeof item.source === 'string' ? item.source : null;
    return {
      nodeId: source,
      ...(id ? { edgeId: id } : {}),
      message: `edge ${id ? `"${id}"` : `edges[${index}]`}: ${describe(issue, where)}`,
    };
  }
  return { nodeId: null, message: describe(issue, formatPath(path)) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ------------------------------------------------------------------------------------------------ graph checks

function checkGraph(doc: FlowGraphDocument, errors: ValidationIssue[], warnings: ValidationIssue[]): void {
  const graph = new FlowGraph(doc);

  // duplicate ids
  const nodeIds = new Set<string>();
  for (const node of doc.nodes) {
    if (nodeIds.has(node.id)) errors.push({ nodeId: node.id, message: `duplicate node id "${node.id}"` });
    nodeIds.add(node.id);
  }
  const edgeIds = new Set<string>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id)) errors.push({ nodeId: edge.source, edgeId: edge.id, message: `duplicate edge id "${edge.id}"` });
    edgeIds.add(edge.id);
  }

  // exactly one trigger
  const triggers = graph.ofType('trigger');
  if (triggers.length === 0) errors.push({ nodeId: null, message: 'the flow needs a trigger node' });
  for (const extra of triggers.slice(1)) {
    errors.push({ nodeId: extra.id, message: `only one trigger is allowed (the first is "${triggers[0].id}")` });
  }

  // edges: endpoints, handles, one edge per handle, nothing into the trigger (core/edges.ts, shared with the canvas)
  const leaving = new Map<string, FlowEdge[]>();
  for (const edge of doc.edges) {
    const source = graph.node(edge.source);
    const target = graph.node(edge.target);
    const siblings = leaving.get(edge.source) ?? [];
    for (const problem of edgeProblems(source, target, edge, siblings)) {
      errors.push(edgeIssue(problem, edge, source, target));
    }
    if (source && target) leaving.set(edge.source, [...siblings, edge]);
  }

  // unconnected handles: warnings
  for (const node of doc.nodes) {
    for (const handle of outHandles(node)) {
      if (!(leaving.get(node.id) ?? []).some((e) => edgeHandle(e) === handle)) {
        warnings.push({ nodeId: node.id, message: `handle "${handle}" is not connected: journeys end there (completed)` });
      }
    }
  }

  // reachability
  if (triggers.length > 0) {
    const reachable = graph.reachableFrom(triggers[0].id);
    for (const node of doc.nodes) {
      // a goal node without incoming edges is a journey-wide goal: checked on every step, never walked into
      const globalGoal = node.type === 'goal' && graph.inEdges(node.id).length === 0;
      if (!reachable.has(node.id) && node.type !== 'trigger' && !globalGoal) {
        errors.push({ nodeId: node.id, message: `node "${node.id}" is unreachable from the trigger` });
      }
    }
  }

  // cycles must pass through a delay
  for (const cycle of cyclesWithoutDelay(doc)) {
    errors.push({
      nodeId: cycle[0],
      message: `cycle without a delay: ${[...cycle, cycle[0]].join(' → ')} (a loop must pass through a delay node)`,
    });
  }

  // node data
  for (const node of doc.nodes) checkNodeData(node, nodeIds, errors, warnings);
}

function describeNode(node: FlowNode): string {
  if (node.type === 'condition') {
    const d = node.data;
    const kind = 'rule' in d ? 'rule condition' : 'branches' in d ? 'branch condition' : 'split condition';
    return `a ${kind}`;
  }
  if (node.type === 'delay') return 'waitFor' in node.data ? 'a waitFor delay' : 'a delay';
  return `a ${node.type} node`;
}

/**
 * Strongly connected components of the graph without its delay nodes: each one with more than one node (or a self
 * loop) is a cycle no delay interrupts. Returned in document order, each as a node id path around the cycle.
 */
function cyclesWithoutDelay(doc: FlowGraphDocument): string[][] {
  const kept = new Map(doc.nodes.filter((n) => n.type !== 'delay').map((n) => [n.id, n]));
  const adj = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (kept.has(e.source) && kept.has(e.target)) adj.set(e.source, [...(adj.get(e.source) ?? []), e.target]);
  }
  // Tarjan, iterative
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const start of kept.keys()) {
    if (idx.has(start)) continue;
    const work: { id: string; i: number }[] = [{ id: start, i: 0 }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const next = adj.get(frame.id) ?? [];
      if (frame.i < next.length) {
        const w = next[frame.i++];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, i: 0 });
        } else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === idx.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        const selfLoop = component.length === 1 && (adj.get(component[0]) ?? []).includes(component[0]);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  const order = new Map(doc.nodes.map((n, i) => [n.id, i]));
  return components.map((c) => cyclePath(c, adj, order)).sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/** A concrete cycle inside a strongly connected component, starting at its first node in document order. */
function cyclePath(component: string[], adj: Map<string, string[]>, order: Map<string, number>): string[] {
  const members = new Set(component);
  const start = [...component].sort((a, b) => order.get(a)! - order.get(b)!)[0];
  // BFS from start back to start within the component
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set<string>([start]);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const w of adj.get(id) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [id];
        while (path[0] !== start) path.unshift(prev.get(path[0])!);
        return path;
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, id);
        queue.push(w);
      }
    }
  }
  return [start];
}

/** The validator's words for an edge problem: each names the edge, and the step it belongs to. */
function edgeIssue(problem: EdgeProblem, edge: FlowEdge, source: FlowNode | undefined, target: FlowNode | undefined): ValidationIssue {
  const at = { edgeId: edge.id };
  switch (problem.kind) {
    case 'unknown-source':
      return { nodeId: target?.id ?? null, ...at, message: `edge "${edge.id}" starts at unknown node "${edge.source}"` };
    case 'unknown-target':
      return { nodeId: source!.id, ...at, message: `edge "${edge.id}" leads to unknown node "${edge.target}"` };
    case 'no-handles':
      return { nodeId: source!.id, ...at, message: `a ${problem.sourceType} node has no out handles (edge "${edge.id}")` };
    case 'wrong-handle':
      return {
        nodeId: source!.id,
        ...at,
        message: `edge "${edge.id}" leaves from handle "${edge.sourceHandle ?? 'out'}"; ${describeNode(source!)} offers ${problem.offered.map((h) => `"${h}"`).join(', ')}`,
      };
    case 'handle-taken':
      return { nodeId: source!.id, ...at, message: `handle "${problem.handle}" already has edge "${problem.by}"; one edge per handle` };
    case 'into-trigger':
      return { nodeId: target!.id, ...at, message: `edge "${edge.id}" leads into the trigger; nothing may` };
  }
}

// ------------------------------------------------------------------------------------------------ node data

function checkNodeData(node: FlowNode, nodeIds: Set<string>, errors: ValidationIssue[], warnings: ValidationIssue[]): void {
  const error = (message: string) => errors.push({ nodeId: node.id, message });
  const duration = (value: string, field: string) => {
    if (!isValidDuration(value)) error(`${field}: "${value}" is not a positive ISO 8601 duration (e.g. PT24H, P7D)`);
  };
  const rule = (r: Rule | undefined, field: string) => {
    if (r) checkRule(r, field, nodeIds, error);
  };

  switch (node.type) {
    case 'trigger': {
      const d = node.data;
      rule(d.audience, 'data.audience');
      if (d.kind === 'event') {
        rule(d.where, 'data.where');
        if (d.maxAge !== undefined) duration(d.maxAge, 'data.maxAge');
      }
      if (d.kind === 'segment') rule(d.rule, 'data.rule');
      if (d.reentry && d.reentry !== 'never') duration(d.reentry.cooldown, 'data.reentry.cooldown');
      return;
    }
    case 'condition': {
      const d = node.data;
      if ('rule' in d) rule(d.rule, 'data.rule');
      else if ('branches' in d) {
        duplicates(d.branches.map((b) => b.id)).forEach((id) => error(`data.branches: duplicate branch id "${id}"`));
        d.branches.forEach((b, i) => rule(b.rule, `data.branches[${i}].rule`));
      } else {
        duplicates(d.split.map((s) => s.id)).forEach((id) => error(`data.split: duplicate split id "${id}"`));
        const sum = d.split.reduce((s, a) => s + a.percent, 0);
        if (sum !== 100) error(`data.split: percentages sum to ${sum}, not 100`);
      }
      return;
    }
    case 'delay': {
      const d = node.data;
      if ('duration' in d) duration(d.duration, 'data.duration');
      else if ('until' in d) {
        if (d.timezone !== undefined && !isValidTimeZone(d.timezone)) error(`data.timezone: "${d.timezone}" is not an IANA time zone`);
      } else duration(d.waitFor.timeout, 'data.waitFor.timeout');
      return;
    }
    case 'channel': {
      const d = node.data;
      const missing = missingChannelFields(d.channel, d.template);
      if (missing) error(`data.template: ${missing}`);
      for (const fb of d.fallback ?? []) {
        if (fb === d.channel) {
          warnings.push({ nodeId: node.id, message: `data.fallback: "${fb}" is the primary channel` });
          continue;
        }
        const m = missingChannelFields(fb, d.template);
        if (m) error(`data.fallback: ${fb} fallback cannot be sent: ${m}`);
      }
      for (const field of templateFields) {
        const source = d.template[field];
        if (source === undefined) continue;
        for (const problem of checkTemplate(source)) error(`data.template.${field}: ${problem}`);
      }
      for (const [locale, variant] of Object.entries(d.locales ?? {})) {
        if (localeChain(locale).length === 0) error(`data.locales.${locale}: not a BCP 47 locale`);
        const merged = { ...d.template, ...variant };
        const m = missingChannelFields(d.channel, merged);
        if (m) error(`data.locales.${locale}: ${m}`);
        for (const field of templateFields) {
          const source = variant[field];
          if (source === undefined) continue;
          for (const problem of checkTemplate(source)) error(`data.locales.${locale}.${field}: ${problem}`);
        }
      }
      if (d.escalate) {
        duration(d.escalate.after, 'data.escalate.after');
        d.escalate.to.forEach((to, i) => {
          const m = missingChannelFields(to, d.template);
          if (m) error(`data.escalate.to[${i}]: ${to} cannot be sent: ${m}`);
        });
      }
      return;
    }
    case 'goal': {
      const d = node.data;
      if ('rule' in d) rule(d.rule, 'data.rule');
      else rule(d.where, 'data.where');
      return;
    }
  }
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

const needsValue = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains']);

function checkRule(r: Rule, field: string, nodeIds: Set<string>, error: (m: string) => void): void {
  forEachLeaf(r, (leaf, path) => {
    const at = path.replace(/^rule/, field);
    if ('attribute' in leaf) {
      if (needsValue.has(leaf.op) && (leaf.value === undefined || leaf.value === null)) {
        error(`${at}: "${leaf.op}" on ${leaf.attribute} needs a value`);
      }
      if (leaf.op === 'in' && !Array.isArray(leaf.value)) error(`${at}: "in" on ${leaf.attribute} needs an array value`);
      if (leaf.op === 'exists' && leaf.value !== undefined && typeof leaf.value !== 'boolean') {
        error(`${at}: "exists" takes true or false`);
      }
      if (['gt', 'gte', 'lt', 'lte'].includes(leaf.op) && leaf.value !== undefined && typeof leaf.value === 'object') {
        error(`${at}: "${leaf.op}" compares numbers, dates or strings`);
      }
    } else if ('event' in leaf) {
      if (!isValidDuration(leaf.within)) error(`${at}.within: "${leaf.within}" is not a positive ISO 8601 duration`);
    } else if ('visits' in leaf) {
      if (!nodeIds.has(leaf.visits.node)) error(`${at}.visits.node: unknown node "${leaf.visits.node}"`);
    }
  });
}
