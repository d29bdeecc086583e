/**
 * The flow graph document: React Flow's `{nodes, edges}` with Boomerang's node `data`.
 * This file is the single source of truth for the shape; the API validates with it and the editor imports it.
 * Semantic checks (reachability, cycles, templates) live in `validate.ts`, not here.
 */
import { z } from 'zod';

/** ISO 8601 duration such as `PT24H` or `P7D`; parsed and range-checked by `durations.ts`. */
export const isoDuration = z.string().min(2).max(40).describe('ISO 8601 duration, e.g. PT24H or P7D');

const attributeOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'] as const;
export type AttributeOp = (typeof attributeOps)[number];

const comparisonFields = {
  eq: z.number().int().nonnegative().optional(),
  gt: z.number().int().nonnegative().optional(),
  gte: z.number().int().nonnegative().optional(),
  lt: z.number().int().nonnegative().optional(),
  lte: z.number().int().nonnegative().optional(),
};

export const countComparison = z
  .object(comparisonFields)
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'count needs at least one of eq, gt, gte, lt, lte');
export type CountComparison = z.infer<typeof countComparison>;

export const visitCountSchema = z
  .object({ node: z.string().min(1).max(100), ...comparisonFields })
  .strict()
  .refine((c) => Object.keys(c).length > 1, 'visits needs at least one of eq, gt, gte, lt, lte');

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { attribute: string; op: AttributeOp; value?: unknown }
  | { event: string; within: string; count?: CountComparison; where?: Rule }
  | { active: boolean }
  | { reengaged: boolean }
  | { visits: VisitCount };

/**
 * `{visits:{node:"checkin", gte:12}}` counts how often this journey visited a node (journey.context.visits):
 * the way a loop is capped ("at most 12 check-ins, then exit").
 */
export type VisitCount = { node: string } & CountComparison;

/**
 * The most conditions (leaves) one rule may hold, and so the most any `all`/`any` list may: a rule is evaluated per
 * contact and compiled to SQL for enrollment and estimates, so its size is the work a request can ask for
 * (issue 20). `validateFlow` counts the leaves of nested lists; an `in` list holds at most `MAX_RULE_LIST` values.
 */
export const MAX_RULE_LEAVES = 200;
export const MAX_RULE_LIST = 1000;
const ruleList = z
  .array(z.lazy(() => ruleSchema))
  .min(1)
  .max(MAX_RULE_LEAVES, `at most ${MAX_RULE_LEAVES} conditions in one rule`);

export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.object({ all: ruleList }).strict(),
    z.object({ any: ruleList }).strict(),
    z.object({ not: ruleSchema }).strict(),
    z
      .object({
        attribute: z.string().min(1).max(200),
        op: z.enum(attributeOps),
        value: z.unknown().optional(),
      })
      .strict(),
    z
      .object({
        event: z.string().min(1).max(200),
        within: isoDuration,
        count: countComparison.optional(),
        // a filter over the event's properties (`attribute` leaves name property keys)
        where: ruleSchema.optional(),
      })
      .strict(),
    z.object({ active: z.boolean() }).strict(),
    z.object({ reengaged: z.boolean() }).strict(),
    z.object({ visits: visitCountSchema }).strict(),
  ]),
);

export const reentrySchema = z.union([z.literal('never'), z.object({ cooldown: isoDuration }).strict()]);
export type Reentry = z.infer<typeof reentrySchema>;

const triggerCommon = { audience: ruleSchema.optional(), reentry: reentrySchema.optional() };
export const triggerDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('inactive'), days: z.number().int().min(1).max(3650), ...triggerCommon }).strict(),
  z
    .object({
      kind: z.literal('event'),
      event: z.string().min(1).max(200),
      where: ruleSchema.optional(),
      // events that occurred longer ago than this when received are ignored (late imports, offline phones)
      maxAge: isoDuration.optional(),
      ...triggerCommon,
    })
    .strict(),
  z.object({ kind: z.literal('segment'), rule: ruleSchema, ...triggerCommon }).strict(),
]);
export type TriggerData = z.infer<typeof triggerDataSchema>;

const branchId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'branch ids are letters, digits, _ and -')
  .refine((id) => !['else', 'yes', 'no', 'out', 'event', 'timeout'].includes(id), 'branch id is a reserved handle name');
/**
 * A split can be an experiment: after `window` (from its first journey), the arm that beats every other on `metric`
 * with 95 % confidence (`core/stats/experiment.ts`) becomes the winner, unless an arm has fewer than `minSample`
 * treated journeys. `winner` routes every new journey to one arm; it is written by the engine's decision or by a
 * marketer, as a new version of the flow.
 */
export const experimentMetrics = ['convertedAfterMessage', 'clicked', 'returned'] as const;
export const experimentSchema = z
  .object({
    window: isoDuration,
    metric: z.enum(experimentMetrics),
    minSample: z.number().int().min(10).max(10_000_000),
  })
  .strict();
export type Experiment = z.infer<typeof experimentSchema>;
export const experimentWinnerSchema = z
  .object({
    arm: branchId,
    decidedAt: z.string().max(40),
    decidedBy: z.string().min(1).max(200),
    reason: z.string().max(2000),
  })
  .strict();
export type ExperimentWinner = z.infer<typeof experimentWinnerSchema>;

export const conditionDataSchema = z.union([
  z.object({ rule: ruleSchema }).strict(),
  z
    .object({
      branches: z
        .array(z.object({ id: branchId, rule: ruleSchema }).strict())
        .min(1)
        .max(20),
    })
    .strict(),
  z
    .object({
      split: z
        .array(z.object({ id: branchId, percent: z.number().int().min(0).max(100) }).strict())
        .min(2)
        .max(10),
      experiment: experimentSchema.optional(),
      winner: experimentWinnerSchema.optional(),
    })
    .strict(),
]);
export type ConditionData = z.infer<typeof conditionDataSchema>;

export const localTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time of day as HH:mm');
export const delayDataSchema = z.union([
  z.object({ duration: isoDuration }).strict(),
  // `timezone` (IANA) pins the local time to one zone instead of the contact's
  z.object({ until: localTimeOfDay, timezone: z.string().min(1).max(64).optional() }).strict(),
  z.object({ waitFor: z.object({ event: z.string().min(1).max(200), timeout: isoDuration }).strict() }).strict(),
  // until the contact's usual active hour (next occurrence, local), else the zone's, else `fallback` (core/best-hour.ts)
  z.object({ bestHour: z.object({ fallback: localTimeOfDay }).strict() }).strict(),
]);
export type DelayData = z.infer<typeof delayDataSchema>;

export const channelKinds = ['email', 'push', 'sms', 'webhook'] as const;
export const channelKindSchema = z.enum(channelKinds);
export type ChannelKind = (typeof channelKinds)[number];

// ------------------------------------------------------------------------------------------ e-mail blocks

/** Block copy: plain words with Handlebars variables; `{{{x}}}` would print an attribute as raw HTML, so it is refused. */
const blockCopy = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('{{{'), 'triple braces print raw HTML: write {{name}}, which is escaped');
/** Where a link or image points: an http(s) address (mailto: for links), or a variable such as {{links.click}}. */
const blockAddress = (what: string, schemes: RegExp) =>
  blockCopy(2000)
    .refine((s) => s.trim() !== '', `the ${what} is empty`)
    .refine(
      (s) => schemes.test(s.trim()) || /^\{\{[^{]/.test(s.trim()),
      `the ${what} must start with https:// or be a variable such as {{links.click}}`,
    );
const linkSchemes = /^(https?:\/\/|mailto:)/i;
const imageSchemes = /^https?:\/\//i;
const blockId = z.string().min(1).max(40);

/**
 * One block of an e-mail composed in the editor's builder (`editor/src/email/`): the builder renders the blocks to
 * MJML and then to the template's `html` (and `text`), and both are stored, so the engine sends exactly the HTML the
 * preview showed; the engine itself never reads `blocks`.
 */
export const emailBlockSchema = z.discriminatedUnion('type', [
  z.object({ id: blockId, type: z.literal('heading'), text: blockCopy(500) }).strict(),
  z.object({ id: blockId, type: z.literal('text'), text: blockCopy(10_000) }).strict(),
  z
    .object({
      id: blockId,
      type: z.literal('image'),
      src: blockAddress('image address', imageSchemes),
      alt: blockCopy(500),
      href: blockAddress('image link', linkSchemes).optional(),
    })
    .strict(),
  z.object({ id: blockId, type: z.literal('button'), label: blockCopy(200), href: blockAddress('button link', linkSchemes) }).strict(),
  z.object({ id: blockId, type: z.literal('coupon'), code: blockCopy(200), note: blockCopy(500).optional() }).strict(),
  z
    .object({
      id: blockId,
      type: z.literal('products'),
      /** the contact attribute holding a list of `{name, price, url, image}` objects */
      attribute: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the product list is a contact attribute name such as recommendedProducts'),
      title: blockCopy(500).optional(),
    })
    .strict(),
  z.object({ id: blockId, type: z.literal('divider') }).strict(),
  z
    .object({
      id: blockId,
      type: z.literal('footer'),
      text: blockCopy(2000).optional(),
      unsubscribeLabel: blockCopy(100),
      preferencesLabel: blockCopy(100),
    })
    .strict(),
]);
export type EmailBlock = z.infer<typeof emailBlockSchema>;
export type EmailBlockType = EmailBlock['type'];

/** Template fields per channel: email subject/html/text (and the builder's blocks), push title/body/url, sms body, webhook url/body. */
export const messageTemplateSchema = z
  .object({
    subject: z.string().max(1000).optional(),
    blocks: z.array(emailBlockSchema).max(60).optional(),
    html: z.string().max(200_000).optional(),
    text: z.string().max(50_000).optional(),
    title: z.string().max(1000).optional(),
    body: z.string().max(50_000).optional(),
    url: z.string().max(2000).optional(),
  })
  .strict();
export type MessageTemplate = z.infer<typeof messageTemplateSchema>;

/** BCP 47 tag of a template variant (`zh-CN`, `en`, `zh-Hant`); checked against Intl by validation. */
export const localeTag = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, 'a BCP 47 locale such as zh-CN or en');

/**
 * Escalation without wiring: when the message was not clicked (or opened) `after` its send, the same copy goes on
 * the next channel of `to` (each hop its own message, cost and log entry; a hop whose channel has no consent or
 * address is skipped to the next).
 */
export const escalateSchema = z
  .object({
    after: isoDuration,
    unless: z.enum(['clicked', 'opened']),
    to: z.array(channelKindSchema).min(1).max(3),
  })
  .strict();
export type Escalate = z.infer<typeof escalateSchema>;

export const channelDataSchema = z
  .object({
    channel: channelKindSchema,
    template: messageTemplateSchema,
    /** per-locale variants merged over `template`, picked by the contact's `locale` attribute with fallback */
    locales: z.record(localeTag, messageTemplateSchema).optional(),
    fallback: z.array(channelKindSchema).max(3).optional(),
    /** overrides the workspace's per-channel price (cents per message; per segment for SMS) */
    costCents: z.number().int().min(0).max(1_000_000).optional(),
    escalate: escalateSchema.optional(),
    // a win-back message counts for attribution (`reengaged`); check-ins after return say false
    winback: z.boolean().optional(),
    /** the subscription topic it sends on (a workspace topic's key): contacts who left it are skipped (core/topics.ts) */
    topic: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'a topic key: lowercase letters, digits, - and _')
      .optional(),
  })
  .strict();
export type ChannelData = z.infer<typeof channelDataSchema>;

/**
 * A goal is met only by its event or rule. `within` bounds the wait of a journey that reaches the goal along an edge
 * (default: the workspace's attribution window); a detached goal (no incoming edge) ignores it.
 */
const goalWithin = { within: isoDuration.optional() };
export const goalDataSchema = z.union([
  z.object({ event: z.string().min(1).max(200), where: ruleSchema.optional(), ...goalWithin }).strict(),
  z.object({ rule: ruleSchema, ...goalWithin }).strict(),
]);
export type GoalData = z.infer<typeof goalDataSchema>;

export const nodeTypes = ['trigger', 'condition', 'delay', 'channel', 'goal'] as const;
export type NodeType = (typeof nodeTypes)[number];

const nodeId = z.string().min(1).max(100);
const position = z.object({ x: z.number(), y: z.number() });
// React Flow adds presentational keys (width, measured, selected…); they are kept, never interpreted.
const presentational = {
  position,
  width: z.number().optional(),
  height: z.number().optional(),
  measured: z.object({ width: z.number().optional(), height: z.number().optional() }).optional(),
  selected: z.boolean().optional(),
  dragging: z.boolean().optional(),
  label: z.string().max(200).optional(),
  // meaning, not presentation: exits the marketer ends on purpose ("ends here"); an unconnected exit listed here is
  // no warning. An exit that ends, listed or not, completes the journey there.
  ends: z.array(z.string().min(1).max(64)).max(50).optional(),
};

export const flowNodeSchema = z.discriminatedUnion('type', [
  z.object({ id: nodeId, type: z.literal('trigger'), data: triggerDataSchema, ...presentational }),
  z.object({ id: nodeId, type: z.literal('condition'), data: conditionDataSchema, ...presentational }),
  z.object({ id: nodeId, type: z.literal('delay'), data: delayDataSchema, ...presentational }),
  z.object({ id: nodeId, type: z.literal('channel'), data: channelDataSchema, ...presentational }),
  z.object({ id: nodeId, type: z.literal('goal'), data: goalDataSchema, ...presentational }),
]);
export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowNodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;

export const flowEdgeSchema = z.object({
  id: z.string().min(1).max(100),
  source: nodeId,
  target: nodeId,
  sourceHandle: z.string().max(64).nullish(),
  targetHandle: z.string().max(64).nullish(),
  type: z.string().max(40).optional(),
  animated: z.boolean().optional(),
  selected: z.boolean().optional(),
  label: z.string().max(200).optional(),
});
export type FlowEdge = z.infer<typeof flowEdgeSchema>;

export const flowGraphSchema = z
  .object({
    nodes: z.array(flowNodeSchema).max(500),
    edges: z.array(flowEdgeSchema).max(2000),
    viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number() }).optional(),
  })
  .strict();
export type FlowGraphDocument = z.infer<typeof flowGraphSchema>;

/**
 * A flow's quiet hours: the workspace's (the default, also when absent), none (`off`: this flow may send at any hour,
 * e.g. a time-critical reminder), or its own window in the contact's time zone (the workspace setting's shape).
 */
export const flowQuietHoursSchema = z.union([
  z.literal('workspace'),
  z.literal('off'),
  z.object({ start: localTimeOfDay, end: localTimeOfDay }).strict(),
]);
export type FlowQuietHours = z.infer<typeof flowQuietHoursSchema>;

const holdoutPercent = z.number().int().min(0).max(50);

/** A flow's own settings (not versioned: they apply to the live flow at once). A new flow holds out 10 %. */
export const flowSettingsSchema = z
  .object({ holdoutPercent: holdoutPercent.default(10), quietHours: flowQuietHoursSchema.optional() })
  .strict();
export type FlowSettings = z.infer<typeof flowSettingsSchema>;

/** An edit of a flow's settings: the keys it names replace the stored ones, the others stay. */
export const flowSettingsPatchSchema = z
  .object({ holdoutPercent: holdoutPercent.optional(), quietHours: flowQuietHoursSchema.optional() })
  .strict();
export type FlowSettingsPatch = z.infer<typeof flowSettingsPatchSchema>;
