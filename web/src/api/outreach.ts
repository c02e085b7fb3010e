// Outreach (/api/v1/channels, /api/v1/outreach/policy, /api/v1/campaigns):
// channels, the contact policy, campaigns with their approval flow, funnel,
// delivery ledger and effect.
//
// The types below are written by hand from the contract
// (shared/SPEC-outreach.md) and the API table at the end of
// docs/outreach.md, because the routes are being written in parallel and
// src/server/openapi.json does not describe them yet. Once it does, they
// will be generated into schema.d.ts (`npm run gen:api`) and these functions
// rebuilt on route.ts's `call`, as segments.ts is; until then a field the
// contract does not name is marked as our guess where it is declared.
import { get, post, put, del, qs, seg } from "./client";

// ---- channels ---------------------------------------------------------

export const channelKinds = ["webhook", "sms", "email", "wechat_template", "wecom_bot", "coupon"] as const;
export type ChannelKind = (typeof channelKinds)[number];

// Where a recipient's phone / e-mail / openid comes from: a query on a named
// SQL source returning (user_id, address) that reads the recipients as
// {{recipients}}. The {source, query} shape is ours (the contract says
// "a query on a named SQL source").
export interface AddressQuery {
  source: string;
  query: string;
}

// A channel as GET /channels lists it: never a secret, `secrets_set` says
// which are stored. Kind fields other than the common ones are kept as they
// come (`[field]`), so a field this UI does not know survives an edit.
export interface Channel {
  name: string;
  kind: ChannelKind | string;
  rate_per_second?: number;
  concurrency?: number;
  max_attempts?: number;
  timeout_ms?: number;
  secrets_set?: string[];
  updated_at?: string | number;
  updated_by?: string;
  url?: string;
  smtp_url?: string;
  from?: string;
  base_url?: string;
  appid?: string;
  template_id?: string;
  address?: AddressQuery | null;
  [field: string]: unknown;
}

// PUT /channels/{name}: the kind, the common settings, the kind's fields and
// secrets; a secret left out keeps its stored value.
export type ChannelBody = Omit<Channel, "name" | "secrets_set" | "updated_at" | "updated_by">;

// The secrets of each kind: write-only, shown as "set" when `secrets_set`
// lists them. `password` and `access_key_secret` (SMTP, Aliyun SMS) are our
// names; `secret` and `appsecret` are the contract's.
export const channelSecrets: Record<ChannelKind, string[]> = {
  webhook: ["secret"],
  sms: ["access_key_secret"],
  email: ["password"],
  wechat_template: ["appsecret"],
  wecom_bot: [],
  coupon: ["secret"],
};

// The plain text fields of each kind (besides `address`, edited apart). The
// contract names url, smtp_url, from, base_url, appid, template_id; the SMS
// gateway fields (Aliyun SendSms by default) and the SMTP user and the
// coupon fields are ours.
export const channelFields: Record<ChannelKind, string[]> = {
  webhook: ["url"],
  sms: ["url", "access_key_id", "sign_name", "template_code"],
  email: ["smtp_url", "from", "username"],
  wechat_template: ["base_url", "appid", "template_id"],
  wecom_bot: ["url"],
  coupon: ["url", "coupon_batch"],
};

// Kinds whose recipients need an address (wecom_bot sends to a staff group, webhook and coupon to the user id).
export const kindNeedsAddress = (kind: string) => kind === "sms" || kind === "email" || kind === "wechat_template";

export interface ChannelTestResult {
  outcome: "sent" | "failed" | "transient" | string;
  error?: string;
  message_id: string;
  elapsed_ms: number;
}

export const listChannels = (signal?: AbortSignal) =>
  get<{ channels: Channel[] } | Channel[]>("/channels", { signal }).then((r) => (Array.isArray(r) ? r : (r.channels ?? [])));
export const putChannel = (name: string, body: ChannelBody) => put<Channel>(`/channels/${seg(name)}`, body);
export const deleteChannel = (name: string) => del(`/channels/${seg(name)}`);
export const testChannel = (name: string, body: { user_id: string; content: Record<string, unknown> }) =>
  post<ChannelTestResult>(`/channels/${seg(name)}/test`, body);

// ---- policy -----------------------------------------------------------

export interface Cap {
  channels: string[]; // channel names, "*" for all
  max: number;
  days: number;
}

export interface QuietHours {
  from: string; // "21:00"
  to: string; // "09:00"
  mode: "defer" | "drop";
}

// The contract's policy (blacklist, caps, quiet_hours) and our fields from
// the API table: opt_out per channel (an expression each), exempt (an
// expression; the exempt users skip caps, dedup and recency),
// global_control, dedup_by_theme, touched_recently. The shapes of the last
// three are ours.
export interface Policy {
  blacklist?: string;
  caps?: Cap[];
  quiet_hours?: QuietHours | null;
  opt_out?: Record<string, string>;
  exempt?: string;
  global_control?: { share: number } | null;
  dedup_by_theme?: boolean;
  touched_recently?: { days: number } | null;
  version?: number;
  updated_by?: string;
  updated_at?: string | number;
}

export const getPolicy = (signal?: AbortSignal) => get<Policy>("/outreach/policy", { signal });
export const putPolicy = (body: Policy) => put<Policy>("/outreach/policy", body);

// ---- campaigns --------------------------------------------------------

// draft → pending_approval → (rejected | scheduled | running) → done, with
// paused and cancelled (docs/outreach.md, Lifecycle).
export const campaignStates = ["draft", "pending_approval", "rejected", "scheduled", "running", "paused", "done", "cancelled"] as const;
export type CampaignState = (typeof campaignStates)[number];

// Suppression reasons in the order they apply (docs/outreach.md, Planning).
export const suppressionReasons = [
  "global_control",
  "blacklist",
  "opt_out",
  "frequency_cap",
  "duplicate",
  "touched_recently",
  "no_address",
  "quiet_hours",
] as const;

export interface Audience {
  expr?: string;
  segment?: string;
}

// The definition an operator writes (the contract's POST body, + class,
// budget, policy overrides from the API table). `budget` and `policy` are
// our shapes: a cap on recipients, and per-campaign policy fields.
export interface CampaignDefinition {
  name: string;
  title?: string;
  theme?: string;
  audience: Audience;
  channel: string;
  content: Record<string, unknown>;
  control?: { share: number };
  goal?: { event: string; window_days: number } | null;
  schedule?: { at?: string } | null;
  class?: "marketing" | "transactional";
  budget?: { max_recipients?: number } | null;
  policy?: Partial<Policy> | null;
}

// The contract's funnel: users at each stage.
export interface Funnel {
  audience: number;
  control: number;
  suppressed: Record<string, number>;
  planned: number;
  sent?: number;
  failed?: number;
  pending?: number;
  dead?: number;
}

// The server sends times as milliseconds (`at_ms`, `created_ms`,
// `updated_ms`); `at` / `created_at` / `updated_at` are the contract's names.
export interface Transition {
  from: string;
  to: string;
  by: string;
  at?: string | number;
  at_ms?: number;
  action?: string;
  comment?: string;
}

// Dispatch progress of a running campaign (our shape: counts of the ledger's
// states and the send rate).
export interface Progress {
  planned?: number;
  sent?: number;
  failed?: number;
  dead?: number;
  retry?: number;
  pending?: number;
  rate_per_second?: number;
  started_at?: string | number;
  finished_at?: string | number;
}

export interface Campaign extends CampaignDefinition {
  id: string;
  state: CampaignState | string;
  funnel?: Funnel | null;
  segments?: { treatment?: string; control?: string } | null;
  progress?: Progress | null;
  transitions?: Transition[];
  created_by?: string;
  created_at?: string | number;
  created_ms?: number;
  updated_at?: string | number;
  updated_ms?: number;
  submitted_by?: string;
}

// A row of GET /campaigns: the funnel sizes may come as `funnel` or flat.
export interface CampaignSummary {
  id: string;
  name: string;
  title?: string;
  theme?: string;
  channel?: string;
  state: CampaignState | string;
  kind?: "campaign" | "journey" | string;
  audience?: number;
  planned?: number;
  sent?: number;
  funnel?: Partial<Funnel> | null;
  created_at?: string | number;
  created_ms?: number;
  updated_at?: string | number;
  updated_ms?: number;
  created_by?: string;
  submitted_by?: string;
}

export interface Preview {
  user_id: string;
  content: Record<string, unknown>;
  error?: string;
}

export interface Recipient {
  user_id: string;
  state: string;
  attempts?: number;
  message_id?: string;
  error?: string;
  at?: string | number;
}

// The contract's effect answer.
export interface Effect {
  goal: { event: string; window_days: number };
  treatment: { users: number; converted: number; rate: number };
  control: { users: number; converted: number; rate: number };
  uplift: { absolute: number; absolute_ci95: [number, number]; relative: number; relative_ci95: [number, number]; p_value: number };
  srm_p_value: number;
}

const cp = (id: string, rest = "") => `/campaigns/${seg(id)}${rest}`;

// `kind`: "journey" lists journeys only, "campaign" single-send campaigns only (docs/outreach.md, Journeys).
export const listCampaigns = (query: { state?: string; theme?: string; kind?: "journey" | "campaign" } = {}, signal?: AbortSignal) =>
  get<{ campaigns: CampaignSummary[] } | CampaignSummary[]>("/campaigns" + qs(query), { signal }).then((r) =>
    Array.isArray(r) ? r : (r.campaigns ?? []),
  );
export const getCampaign = (id: string, signal?: AbortSignal) => get<Campaign>(cp(id), { signal });
export const createCampaign = (body: CampaignDefinition) => post<Campaign>("/campaigns", body);
export const updateCampaign = (id: string, body: CampaignDefinition) => put<Campaign>(cp(id), body);
export const estimateCampaign = (id: string, signal?: AbortSignal) =>
  post<Funnel | { funnel: Funnel }>(cp(id, "/estimate"), {}, { signal }).then((r) => ("funnel" in r && r.funnel ? r.funnel : (r as Funnel)));
export const previewCampaign = (id: string, userIds?: string[]) =>
  post<{ previews: Preview[] } | Preview[]>(cp(id, "/preview"), userIds && userIds.length ? { user_ids: userIds } : {}).then((r) =>
    Array.isArray(r) ? r : (r.previews ?? []),
  );

export type CampaignAction = "submit" | "approve" | "reject" | "pause" | "resume" | "cancel";
// A transition: {"comment"?} for every action, {"reason"} for reject.
export function transition(id: string, action: CampaignAction, comment?: string) {
  const body = action === "reject" ? { reason: comment ?? "" } : comment ? { comment } : {};
  return post<Campaign>(cp(id, "/" + action), body);
}

export const listRecipients = (id: string, query: { state?: string; limit?: number; cursor?: string }, signal?: AbortSignal) =>
  get<{ recipients: Recipient[]; next_cursor?: string | null }>(cp(id, "/recipients") + qs(query), { signal });
export const retryRecipients = (id: string, userIds?: string[]) =>
  post<{ retried?: number }>(cp(id, "/retry"), userIds && userIds.length ? { user_ids: userIds } : {});
export const getEffect = (id: string, signal?: AbortSignal) => get<Effect>(cp(id, "/effect"), { signal });

// ---- helpers ----------------------------------------------------------

// The funnel sizes of a summary row whichever way the server sends them.
export function summarySizes(c: CampaignSummary): { audience?: number; planned?: number; sent?: number } {
  return {
    audience: c.audience ?? c.funnel?.audience,
    planned: c.planned ?? c.funnel?.planned,
    sent: c.sent ?? c.funnel?.sent,
  };
}

// A time from the API (RFC 3339 text or milliseconds) as milliseconds.
export function toMs(v: string | number | undefined | null): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number") return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

// The {{field}} placeholders of a content object's strings, in order of first use.
export function placeholders(content: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) if (!out.includes(m[1])) out.push(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(content);
  return out;
}

// The fields every content may use besides tag names (docs/outreach.md, Content).
export const builtinFields = ["user_id", "address", "message_id", "campaign", "campaign_id"] as const;
