/**
 * validateFlow: the graph document checked for everything the engine relies on. Never throws.
 *
 * Errors name the node (`nodeId`, null for graph-level problems) and, for edges, the edge. Unconnected out handles
 * are warnings: the journey ends there as `completed`. Every node must be reachable from the trigger, except goal
 * nodes without incoming edges: those are journey-wide goals (checked before every step and on every wake-up).
 */
import { literalDestinationRefusal, type AllowedNetwork } from './destination';
import type { z } from 'zod';
import { durationProblem } from './durations';
import { edgeProblems, type EdgeProblem } from './edges';
import { edgeHandle, FlowGraph, outHandles } from './graph';
import { traitsOf, type NodeRule } from './nodes';
import { forEachLeaf } from './rules';
import { flattenZodIssues, formatPath } from './zod-issues';
import { flowGraphSchema, MAX_RULE_LEAVES, MAX_RULE_LIST, nodeTypes, type FlowEdge, type FlowGraphDocument, type FlowNode } from './schema';

/**
 * One problem: the node it belongs to (null: the whole flow), the edge when it is about one, a machine `code`
 * (`duration.notPositive`, `handle.unconnected`, `schema.invalid_type`…) with the values the words are made of
 * (`params`), the `field` it is about (a path inside the node's `data` such as `waitFor.timeout`; inside the edge
 * for an edge's schema issue), and the words (`message`), which the API returns as they are.
 */
export interface ValidationIssue {
  nodeId: string | null;
  edgeId?: string;
  code: string;
  field?: string;
  params?: Record<string, unknown>;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** the parsed document when the schema accepted it */
  graph?: FlowGraphDocument;
}

export interface ValidateOptions {
  /**
   * The server's outbound-destination rule (`WEBHOOK_ALLOW_NETWORKS` parsed): a webhook URL whose host is a refused
   * address literal is an error on its node. Absent (the editor, which does not know the operator's networks): not
   * checked here; the send refuses it anyway.
   */
  destinations?: readonly AllowedNetwork[];
}

export function validateFlow(input: unknown, options: ValidateOptions = {}): ValidationResult {
  try {
    const parsed = flowGraphSchema.safeParse(input);
    if (!parsed.success) {
      return { valid: false, errors: dedupe(schemaIssues(parsed.error.issues, input)), warnings: [] };
    }
    const errors: ValidationIssue[] = [];
    const warnings: ValidationIssue[] = [];
    checkGraph(parsed.data, errors, warnings);
    if (options.destinations) checkDestinations(parsed.data, options.destinations, errors);
    const result: ValidationResult = { valid: errors.length === 0, errors: dedupe(errors), warnings: dedupe(warnings) };
    if (result.valid) result.graph = parsed.data;
    return result;
  } catch (error) {
    return {
      valid: false,
      errors: [
        { nodeId: null, code: 'internal', message: `could not validate: ${error instanceof Error ? error.message : String(error)}` },
      ],
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

/** A zod issue as `{code, params, message}`: `schema.required`, `schema.unrecognized_keys`, `schema.<zod code>`. */
function describe(issue: Issue, field: string): Pick<ValidationIssue, 'code' | 'params' | 'message'> {
  const message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return {
      code: 'schema.required',
      params: { expected: issue.expected, path: field || 'value' },
      message: `${field || 'value'} is required (${issue.expected})`,
    };
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return {
      code: 'schema.unrecognized_keys',
      params: { keys: issue.keys },
      message: `${field ? `${field}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`,
    };
  }
  return { code: `schema.${issue.code}`, params: { problem: message }, message: field ? `${field}: ${message}` : message };
}

/** The path inside a node's `data` (`data.waitFor.timeout` → `waitFor.timeout`), when the issue is inside it. */
function dataField(path: Path): { field?: string } {
  return path[0] === 'data' && path.length > 1 ? { field: formatPath(path.slice(1)) } : {};
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
        return {
          nodeId: id,
          code: 'schema.unknownType',
          params: { type: item.type },
          message: `${name}: unknown type ${JSON.stringify(item.type)} (a step is a ${nodeTypes.join(', ')})`,
        };
      }
      return { nodeId: id, ...dataField(rest), ...describe(issue, id ? where : formatPath(path)) };
    }
    const source = isRecord(item) && typeof item.source === 'string' ? item.source : null;
    const described = describe(issue, where);
    return {
      nodeId: source,
      ...(id ? { edgeId: id } : {}),
      ...described,
      ...(where ? { field: where } : {}),
      message: `edge ${id ? `"${id}"` : `edges[${index}]`}: ${described.message}`,
    };
  }
  return { nodeId: null, ...describe(issue, formatPath(path)) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ------------------------------------------------------------------------------------------------ graph checks

/** A webhook node whose literal URL the outbound-destination rule refuses (a templated host is decided at send). */
function checkDestinations(doc: FlowGraphDocument, allow: readonly AllowedNetwork[], errors: ValidationIssue[]): void {
  for (const node of doc.nodes) {
    if (node.type !== 'channel' || node.data.channel !== 'webhook') continue;
    const url = node.data.template?.url;
    const refusal = typeof url === 'string' ? literalDestinationRefusal(url, allow) : null;
    if (refusal) errors.push({ nodeId: node.id, code: 'webhook.destination', field: 'template.url', params: { url }, message: refusal });
  }
}

function checkGraph(doc: FlowGraphDocument, errors: ValidationIssue[], warnings: ValidationIssue[]): void {
  const graph = new FlowGraph(doc);

  // duplicate ids
  const nodeIds = new Set<string>();
  for (const node of doc.nodes) {
    if (nodeIds.has(node.id)) errors.push({ nodeId: node.id, code: 'node.duplicateId', message: `duplicate node id "${node.id}"` });
    nodeIds.add(node.id);
  }
  const edgeIds = new Set<string>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id)) {
      errors.push({ nodeId: edge.source, edgeId: edge.id, code: 'edge.duplicateId', message: `duplicate edge id "${edge.id}"` });
    }
    edgeIds.add(edge.id);
  }

  // exactly one trigger
  const triggers = graph.ofType('trigger');
  if (triggers.length === 0) errors.push({ nodeId: null, code: 'flow.noTrigger', message: 'the flow needs a trigger node' });
  for (const extra of triggers.slice(1)) {
    errors.push({
      nodeId: extra.id,
      code: 'trigger.extra',
      params: { first: triggers[0].id },
      message: `only one trigger is allowed (the first is "${triggers[0].id}")`,
    });
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

  // unconnected handles: warnings, unless the exit ends the journey on purpose (`ends`)
  for (const node of doc.nodes) {
    for (const handle of outHandles(node)) {
      if (node.ends?.includes(handle)) continue;
      if (!(leaving.get(node.id) ?? []).some((e) => edgeHandle(e) === handle)) {
        warnings.push({
          nodeId: node.id,
          code: 'handle.unconnected',
          params: { handle },
          message: `handle "${handle}" is not connected: journeys end there (completed)`,
        });
      }
    }
  }

  // reachability
  if (triggers.length > 0) {
    const reachable = graph.reachableFrom(triggers[0].id);
    for (const node of doc.nodes) {
      // a goal node without incoming edges is a journey-wide goal: checked on every step, never walked into
      const detached = traitsOf(node.type).mayBeDetached === true && graph.inEdges(node.id).length === 0;
      if (!reachable.has(node.id) && node.type !== 'trigger' && !detached) {
        errors.push({ nodeId: node.id, code: 'node.unreachable', message: `node "${node.id}" is unreachable from the trigger` });
      }
    }
  }

  // cycles must pass through a delay
  for (const cycle of cyclesWithoutDelay(doc)) {
    const path = [...cycle, cycle[0]].join(' → ');
    errors.push({
      nodeId: cycle[0],
      code: 'cycle.noDelay',
      params: { cycle, path },
      message: `cycle without a delay: ${path} (a loop must pass through a delay node)`,
    });
  }

  // node data: the rules each type reads, then its own checks (nodes/<type>.ts)
  for (const node of doc.nodes) {
    const traits = traitsOf(node.type);
    for (const r of traits.rules(node.data)) for (const issue of ruleIssues(r, nodeIds)) errors.push({ nodeId: node.id, ...issue });
    for (const { warning, ...issue } of traits.check(node.data)) (warning ? warnings : errors).push({ nodeId: node.id, ...issue });
  }
}

/**
 * Strongly connected components of the graph without its delay nodes: each one with more than one node (or a self
 * loop) is a cycle no delay interrupts. Returned in document order, each as a node id path around the cycle.
 */
function cyclesWithoutDelay(doc: FlowGraphDocument): string[][] {
  const kept = new Map(doc.nodes.filter((n) => !traitsOf(n.type).breaksLoops).map((n) => [n.id, n]));
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
      return {
        nodeId: target?.id ?? null,
        ...at,
        code: 'edge.unknownSource',
        params: { node: edge.source },
        message: `edge "${edge.id}" starts at unknown node "${edge.source}"`,
      };
    case 'unknown-target':
      return {
        nodeId: source!.id,
        ...at,
        code: 'edge.unknownTarget',
        params: { node: edge.target },
        message: `edge "${edge.id}" leads to unknown node "${edge.target}"`,
      };
    case 'no-handles':
      return {
        nodeId: source!.id,
        ...at,
        code: 'edge.noHandles',
        params: { type: problem.sourceType },
        message: `a ${problem.sourceType} node has no out handles (edge "${edge.id}")`,
      };
    case 'wrong-handle':
      return {
        nodeId: source!.id,
        ...at,
        code: 'edge.wrongHandle',
        params: { handle: problem.handle, offered: problem.offered },
        message: `edge "${edge.id}" leaves from handle "${edge.sourceHandle ?? 'out'}"; ${traitsOf(source!.type).kindName(source!.data)} offers ${problem.offered.map((h) => `"${h}"`).join(', ')}`,
      };
    case 'handle-taken':
      return {
        nodeId: source!.id,
        ...at,
        code: 'handle.taken',
        params: { handle: problem.handle, edge: problem.by },
        message: `handle "${problem.handle}" already has edge "${problem.by}"; one edge per handle`,
      };
    case 'into-trigger':
      return { nodeId: target!.id, ...at, code: 'edge.intoTrigger', message: `edge "${edge.id}" leads into the trigger; nothing may` };
  }
}

// ------------------------------------------------------------------------------------------------ rules

const needsValue = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains']);

type RuleIssue = Omit<ValidationIssue, 'nodeId'>;

/** What is wrong in the leaves of one rule a node reads, each issue about its leaf (`rule.all[0]`, `branches[1].rule`). */
function ruleIssues({ rule, field }: NodeRule, nodeIds: Set<string>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (path: string, code: string, problem: string, params: Record<string, unknown>) =>
    issues.push({ code, field: path, params, message: `data.${path}: ${problem}` });
  let leaves = 0;
  forEachLeaf(rule, (leaf, leafPath) => {
    leaves++;
    const at = leafPath.replace(/^rule/, field);
    if ('attribute' in leaf) {
      const { op, attribute } = leaf;
      if (op === 'in' && Array.isArray(leaf.value) && leaf.value.length > MAX_RULE_LIST) {
        add(at, 'rule.listTooLong', `"in" on ${attribute} lists ${leaf.value.length} values; at most ${MAX_RULE_LIST}`, {
          op,
          attribute,
          max: MAX_RULE_LIST,
        });
      }
      if (needsValue.has(op) && (leaf.value === undefined || leaf.value === null)) {
        add(at, 'rule.needsValue', `"${op}" on ${attribute} needs a value`, { op, attribute });
      }
      if (op === 'in' && !Array.isArray(leaf.value))
        add(at, 'rule.needsList', `"in" on ${attribute} needs an array value`, { op, attribute });
      if (op === 'exists' && leaf.value !== undefined && typeof leaf.value !== 'boolean') {
        add(at, 'rule.existsTakesBoolean', '"exists" takes true or false', { op, attribute });
      }
      if (['gt', 'gte', 'lt', 'lte'].includes(op) && leaf.value !== undefined && typeof leaf.value === 'object') {
        add(at, 'rule.notComparable', `"${op}" compares numbers, dates or strings`, { op, attribute });
      }
    } else if ('event' in leaf) {
      const problem = durationProblem(leaf.within);
      if (problem)
        add(`${at}.within`, `duration.${problem}`, `"${leaf.within}" is not a positive ISO 8601 duration`, { value: leaf.within });
    } else if ('visits' in leaf) {
      const node = leaf.visits.node;
      if (!nodeIds.has(node)) add(`${at}.visits.node`, 'rule.unknownNode', `unknown node "${node}"`, { node });
    }
  });
  if (leaves > MAX_RULE_LEAVES) {
    add(field, 'rule.tooManyLeaves', `the rule has ${leaves} conditions; at most ${MAX_RULE_LEAVES}`, { leaves, max: MAX_RULE_LEAVES });
  }
  return issues;
}
