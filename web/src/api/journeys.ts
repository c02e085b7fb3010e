// Journeys (issue 16): multi-step outreach flows. A journey IS a campaign
// (same /api/v1/campaigns create / update / lifecycle routes and record)
// whose definition has an `entry`; the routes under
// /campaigns/{id}/journey add live counts, the users waiting, a test run
// and the migration of users between versions.
//
// The definition's types are written by hand from docs/outreach.md
// ("Journeys (issue 16)"): the editor relies on the fields per step type,
// which the document's one Step schema leaves optional. The routes under
// /journey are called through route.ts, so each answer type here is checked
// against the generated schema.d.ts (a property that changes kind in
// src/server/openapi.json fails the type check).
import { call, type Answer, type Loosely } from "./route";
import { createCampaign, getCampaign, listCampaigns, updateCampaign, type CampaignDefinition, type CampaignSummary, type Transition } from "./outreach";

// ---- the definition -----------------------------------------------------

export const stepTypes = ["send", "wait", "wait_event", "branch", "split", "exit"] as const;
export type StepType = (typeof stepTypes)[number];

export const reentryModes = ["once", "after", "every_time"] as const;
export type ReentryMode = (typeof reentryModes)[number];

// A property filter of an event: every listed property equal (strings,
// numbers or booleans).
export type EventWhere = Record<string, string | number | boolean>;

// `{"schedule": cron}` or `{"event": type, "where"?}`.
export interface JourneyEntry {
  schedule?: string;
  event?: string;
  where?: EventWhere;
}

export interface SplitPath {
  name: string;
  share: number; // 0..1, the paths' shares sum to 1
  next?: string;
  control?: boolean;
}

// One step; which fields apply depends on `type` (the doc's table).
export interface JourneyStep {
  name: string; // [a-z0-9_]{1,64}, unique
  type: StepType;
  // send
  channel?: string;
  content?: Record<string, unknown>;
  // send, wait, wait_event
  next?: string;
  // wait: one of
  duration?: string; // "90s", "30m", "36h", "3d"
  until?: string; // "HH:MM"
  // wait_event
  event?: string;
  where?: EventWhere;
  timeout?: string;
  timeout_next?: string;
  // branch
  condition?: string;
  yes?: string;
  no?: string;
  // split
  paths?: SplitPath[];
}

export interface JourneyDefinition {
  name: string;
  title?: string;
  theme?: string;
  class?: "marketing" | "transactional";
  entry: JourneyEntry;
  audience?: { expr?: string; segment?: string };
  reentry?: { mode: ReentryMode; days?: number };
  max_concurrent?: number;
  exit?: { goal?: boolean; not_matching?: boolean };
  control?: { share: number };
  goal?: { event: string; window_days: number } | null;
  start?: string;
  steps: JourneyStep[];
}

// The fields a definition may carry: the server refuses unknown keys, so a
// record read back (id, state, transitions ...) is cut to these before a PUT.
const definitionKeys = [
  "name", "title", "theme", "class", "entry", "audience", "reentry", "max_concurrent",
  "exit", "control", "goal", "start", "steps", "budget", "policy",
] as const;

// A journey record as GET /campaigns/{id} answers it.
export interface Journey extends JourneyDefinition {
  id: string;
  state: string;
  kind?: string;
  version?: number;
  transitions?: Transition[];
  created_by?: string;
  created_at?: string | number;
  updated_at?: string | number;
  submitted_by?: string;
}

export function definitionOf(record: Record<string, unknown>): JourneyDefinition {
  const out: Record<string, unknown> = {};
  for (const k of definitionKeys) if (record[k] !== undefined && record[k] !== null) out[k] = record[k];
  return out as unknown as JourneyDefinition;
}

// ---- live state ----------------------------------------------------------

export interface StepCounts {
  name: string;
  type: StepType | string;
  entered?: number;
  inside?: number;
  waiting?: number;
  sending?: number;
  sent?: number;
  failed?: number;
  suppressed?: number;
  converted?: number;
  exited?: number;
  exit_reasons?: Record<string, number>; // why users left at this step: completed, converted, stopped, ...
  segment?: string;
}

export interface JourneyTotals {
  entered?: number;
  inside?: number;
  completed?: number;
  converted?: number;
  control?: number;
  exited?: number;
}

export interface JourneyLive {
  version: number;
  state: string;
  entry: { kind: "schedule" | "event" | string; next_at?: string | null; last_at?: string | null };
  totals: JourneyTotals;
  steps: StepCounts[];
  versions: { version: number; inside: number }[];
}

export interface WaitingUser {
  user_id: string;
  step: string;
  version: number;
  occurrence: number;
  since: string | null;
  until?: string | null;
  why: string; // the server's sentence: "waiting for 'order_paid' until ..., then 'sms'"
}

// A page of users waiting; `next_cursor` continues it (null: the last page).
export interface WaitingPage {
  users: WaitingUser[];
  next_cursor?: string | null;
}

export interface TestEvent {
  type: string;
  after: string; // a duration from the entry: "2h"
  properties?: Record<string, unknown>;
}

// One decision of a test run: `type` is the step's type, or "entry" for the
// entry's decision; `decision` is the server's sentence.
export interface TraceEntry {
  at: string;
  step: string;
  type: string;
  decision: string;
  detail?: string;
  channel?: string;
  condition?: string;
  content?: Record<string, unknown>;
}

// outcome: completed, converted, waiting (at the horizon), control,
// split_control, not_entered or loop_limit.
export interface TestResult {
  trace: TraceEntry[];
  outcome: string;
}

export interface MigrateResult {
  moves: { step: string; users: number }[];
  stay: { step: string; users: number }[];
  moved?: number;
  to_version?: number;
}

// ---- routes --------------------------------------------------------------

// Journeys only (GET /campaigns?kind=journey): each row is the record
// (definition included) with its totals under `journey`.
export const listJourneys = (signal?: AbortSignal) =>
  listCampaigns({ kind: "journey" }, signal) as Promise<(CampaignSummary & { entry?: JourneyEntry; journey?: JourneyTotals })[]>;
export const getJourney = (id: string, signal?: AbortSignal) => getCampaign(id, signal) as unknown as Promise<Journey>;
export const createJourney = (def: JourneyDefinition) => createCampaign(def as unknown as CampaignDefinition) as unknown as Promise<Journey>;
export const updateJourney = (id: string, def: JourneyDefinition) => updateCampaign(id, def as unknown as CampaignDefinition) as unknown as Promise<Journey>;

// T, which must be Loosely the document's answer A (route.ts).
type Checked<T extends Loosely<A>, A> = T;

type LiveAnswer = Answer<"/api/v1/campaigns/{id}/journey", "get">;
export const getJourneyLive = (id: string, signal?: AbortSignal) =>
  call("get", "/api/v1/campaigns/{id}/journey", { path: { id }, signal }) as Promise<Checked<JourneyLive, LiveAnswer>>;

type UsersAnswer = Answer<"/api/v1/campaigns/{id}/journey/users", "get">;
export const listWaitingUsers = (id: string, query: { step?: string; limit?: number; cursor?: string }, signal?: AbortSignal) =>
  call("get", "/api/v1/campaigns/{id}/journey/users", { path: { id }, query, signal }) as Promise<Checked<WaitingPage, UsersAnswer>>;

type TestAnswer = Answer<"/api/v1/campaigns/{id}/journey/test", "post">;
export const testJourney = (id: string, body: { user_id: string; events?: TestEvent[]; horizon?: string }) =>
  call("post", "/api/v1/campaigns/{id}/journey/test", { path: { id }, body }) as Promise<Checked<TestResult, TestAnswer>>;

type MigrateAnswer = Answer<"/api/v1/campaigns/{id}/journey/migrate", "post">;
export const migrateJourney = (id: string, body: { from_version: number; dry_run?: boolean }) =>
  call("post", "/api/v1/campaigns/{id}/journey/migrate", { path: { id }, body }) as Promise<Checked<MigrateResult, MigrateAnswer>>;

// ---- helpers -------------------------------------------------------------

export const stepNamePattern = /^[a-z0-9_]{1,64}$/;
export const durationPattern = /^[1-9][0-9]*(s|m|h|d)$/;
export const untilPattern = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

// The saved segment of a step's population (docs/outreach.md, Populations).
export const stepSegment = (journey: string, step: string) => `campaign_${journey}_${step}`;

// An outgoing edge of a step: the field it comes from (`next`, `yes`, `no`,
// `timeout_next`, `paths.<i>`) and the step it names.
export interface StepEdge {
  from: string;
  slot: string;
  to: string;
}

// The outgoing slots a step of `type` has, in display order.
export function slotsOf(step: JourneyStep): string[] {
  switch (step.type) {
    case "send":
    case "wait":
      return ["next"];
    case "wait_event":
      return ["next", "timeout_next"];
    case "branch":
      return ["yes", "no"];
    case "split":
      return (step.paths ?? []).map((_, i) => `paths.${i}`);
    default:
      return [];
  }
}

export function slotTarget(step: JourneyStep, slot: string): string | undefined {
  if (slot.startsWith("paths.")) return step.paths?.[Number(slot.slice(6))]?.next;
  return (step as unknown as Record<string, string | undefined>)[slot];
}

// A copy of `step` whose `slot` names `to` (undefined: removed).
export function withSlot(step: JourneyStep, slot: string, to: string | undefined): JourneyStep {
  if (slot.startsWith("paths.")) {
    const i = Number(slot.slice(6));
    const paths = (step.paths ?? []).map((p, j) => (j === i ? { ...p, next: to } : p));
    return { ...step, paths };
  }
  const copy = { ...step } as unknown as Record<string, unknown>;
  if (to) copy[slot] = to;
  else delete copy[slot];
  return copy as unknown as JourneyStep;
}

export function edgesOf(def: JourneyDefinition): StepEdge[] {
  const out: StepEdge[] = [];
  for (const s of def.steps) for (const slot of slotsOf(s)) {
    const to = slotTarget(s, slot);
    if (to) out.push({ from: s.name, slot, to });
  }
  return out;
}

// The step of a server error's field (`steps[2].next` → the third step's name).
export function stepOfField(def: JourneyDefinition, field: unknown): string | undefined {
  if (typeof field !== "string") return undefined;
  const m = field.match(/^steps\[(\d+)\]/);
  if (m) return def.steps[Number(m[1])]?.name;
  const named = field.match(/^steps\.([a-z0-9_]+)/);
  return named ? def.steps.find((s) => s.name === named[1])?.name : undefined;
}

// A step name not used yet: `base`, `base_2`, `base_3`, ...
export function freshName(def: JourneyDefinition, base: string): string {
  const used = new Set(def.steps.map((s) => s.name));
  if (!used.has(base)) return base;
  for (let i = 2; ; ++i) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

// Renames a step and every reference to it (next, yes/no, timeout_next, paths, start).
export function renameStep(def: JourneyDefinition, from: string, to: string): JourneyDefinition {
  const fix = (v: string | undefined) => (v === from ? to : v);
  const steps = def.steps.map((s) => {
    let c: JourneyStep = s.name === from ? { ...s, name: to } : s;
    for (const slot of slotsOf(c)) if (slotTarget(c, slot) === from) c = withSlot(c, slot, to);
    return c;
  });
  return { ...def, steps, start: fix(def.start) };
}

// Removes a step and every reference to it.
export function removeStep(def: JourneyDefinition, name: string): JourneyDefinition {
  const steps = def.steps
    .filter((s) => s.name !== name)
    .map((s) => {
      let c = s;
      for (const slot of slotsOf(c)) if (slotTarget(c, slot) === name) c = withSlot(c, slot, undefined);
      return c;
    });
  return { ...def, steps, start: def.start === name ? undefined : def.start };
}

// The first step users reach.
export const startOf = (def: JourneyDefinition) => def.start || def.steps[0]?.name;
