// The server's errors carry a machine-readable reason and its arguments
// besides the English message ({"error": {"reason": "unknown_tag", "args":
// {"tag": "ctiy", "suggestion": "city"}, "message": …}}; the registry is
// src/core/error_reason.h). The Chinese UI translates by reason and
// arguments, never by matching the English text; the original message stays
// visible next to the translation (support and documentation quote it).
// A reason without a translation here shows the original.
import { ApiError } from "../api/client";

type Args = Record<string, string>;
type Translate = (a: Args) => string;

const roleZh: Record<string, string> = { viewer: "查看者", analyst: "分析师", operator: "运营", admin: "管理员" };

// What the parser expected (the `expected` argument, src/segment/parser.cc).
const expectedZh: Record<string, string> = {
  operand: "标签名、(、NOT、SEGMENT 或 ALL",
  operator: "比较符（= != < <= > >= IN BETWEEN IS CONTAINS）、AND、OR 或 )",
  value: "取值（'文本'、数字、TRUE、FALSE 或 DAYS_AGO(n)）",
  list_open: "「(」开始取值列表",
  list_next: "取值列表中的「,」或「)」",
  close_paren: "「)」",
  end: "AND、OR 或条件结尾",
  segment_name: "用引号括起的人群名",
  date_after_at: "「@」后的日期 YYYY-MM-DD",
  in_or_between: "NOT 后的 IN 或 BETWEEN",
  null: "NULL",
  null_or_not_null: "IS 后的 NULL 或 NOT NULL",
  any_or_all: "CONTAINS 后的 ANY 或 ALL",
  between_and: "BETWEEN … AND … 中的 AND",
  days: "DAYS_AGO(n) 中的整数天数",
};

// What it found instead (`found_kind` and `found`, DescribeToken in src/segment/lexer.cc).
function found(a: Args): string {
  switch (a.found_kind) {
    case "end": return "条件结尾";
    case "string": return `文本 ${a.found}`;
    case "number": return `数字 ${a.found}`;
    case "keyword": return `关键字 ${a.found}`;
    default: return a.found ?? "";
  }
}

const kindZh: Record<string, string> = {
  tag: "标签", segment: "人群", report: "报表", dashboard: "看板", source: "数据源", category: "分类",
  "data directory": "数据目录", user: "用户", token: "令牌", run: "任务", "event type": "事件类型",
  campaign: "活动", channel: "渠道", policy: "触达策略",
};
const typeZh: Record<string, string> = { bool: "布尔", enum: "枚举", set: "多值", int: "整数", date: "日期" };
const typeName = (t: string | undefined) => (t ? (typeZh[t] ?? (t.startsWith("decimal") ? "小数" : t)) : "");
const maybe = (s: string | undefined, make: (s: string) => string) => (s ? make(s) : "");

// Campaign states and actions (docs/outreach.md, Lifecycle) for the outreach reasons.
const stateZh: Record<string, string> = {
  draft: "草稿", pending_approval: "待审批", rejected: "已驳回", scheduled: "已排期", running: "发送中",
  paused: "已暂停", done: "已完成", cancelled: "已取消",
};
const actionZh: Record<string, string> = {
  submit: "提交审批", approve: "批准", reject: "驳回", pause: "暂停", resume: "恢复", cancel: "取消", edit: "修改", retry: "重试",
};
const named = (m: Record<string, string>, v: string | undefined) => (v ? (m[v] ?? v) : "");

const zh: Record<string, Translate> = {
  unknown_tag: (a) => `未知标签「${a.tag}」` + maybe(a.suggestion, (s) => `，是不是「${s}」？`),
  unknown_segment: (a) =>
    a.suggestion === undefined && a.available === "0"
      ? `未知人群「${a.segment}」（还没有已保存的人群）`
      : `未知人群「${a.segment}」` + maybe(a.suggestion, (s) => `，是不是「${s}」？`),
  segment_cycle: (a) => `人群「${a.segment}」引用了自身（循环引用）`,
  unexpected_token: (a) => `此处应为${expectedZh[a.expected] ?? a.expected}，实际是${found(a)}`,
  empty_expression: () => "条件为空",
  null_literal: () => "NULL 不能作为取值；请使用 IS NULL（无值）或 IS NOT NULL（有值）",
  unmatched_parenthesis: () => "多余的右括号「)」",
  unexpected_character: (a) => `无法识别的字符「${a.character}」` + maybe(a.suggestion, (s) => `，是不是「${s}」？`),
  not_a_bool_tag: (a) => `类型错误：标签「${a.tag}」是${typeName(a.type)}类型，只有布尔标签可以单独作为条件`,
  type_mismatch: (a) => `类型错误：标签「${a.tag}」是${typeName(a.type)}类型，不能与 ${a.literal} 比较`,
  needs_set_tag: (a) => `类型错误：CONTAINS 只能用于多值标签，「${a.tag}」是${typeName(a.type)}类型`,
  needs_ordered_tag: (a) => `类型错误：「${a.operator}」只能用于整数、小数或日期标签，「${a.tag}」是${typeName(a.type)}类型`,
  bad_literal: (a) => `取值「${a.literal}」无效`,
  too_complex: (a) => `条件过于复杂（上限 ${a.limit}）`,
  tag_offline: (a) => `标签「${a.tag}」已下线`,
  tag_draft: (a) => `标签「${a.tag}」还是草稿，尚未发布`,
  personal_tag: (a) => `标签「${a.tag}」含个人信息，「${roleZh[a.role] ?? a.role}」角色不能在条件、统计或报表中使用`,
  role_required: (a) => `需要「${roleZh[a.required] ?? a.required}」角色，当前令牌是「${roleZh[a.role] ?? a.role}」`,
  not_visible: (a) => `无权查看「${a.name}」`,
  no_such_endpoint: () => "服务器没有这个接口",
  method_not_allowed: () => "这个接口不支持该请求方法",
  bad_json: () => "请求内容不是有效的 JSON",
  number_out_of_range: (a) => "数字超出范围" + maybe(a.field, (f) => `（字段 ${f}）`),
  limit_exceeded: (a) => `超出上限：${a.what} 最多 ${a.limit}` + maybe(a.value, (v) => `，当前 ${v}`),
  query_deadline: (a) => `查询超时（${a.seconds} 秒），请缩小范围后重试`,
  in_use: (a) => `${kindZh[a.kind] ?? a.kind ?? ""}「${a.name}」仍被使用：${a.users}`,
  events_rejected: (a) => `事件全部被拒绝；第一个（#${a.index}）：${a.first}`,
  bad_field: (a) => `字段 ${a.field} 无效：${a.detail}`,
  unknown_field: (a) => `未知字段 ${a.field}` + maybe(a.expected, (e) => `（可用：${e}）`),
  missing_field: (a) => `缺少字段 ${a.field}`,
  not_found: (a) => `找不到${kindZh[a.kind] ?? a.kind ?? ""}「${a.name}」`,
  already_exists: (a) => `${kindZh[a.kind] ?? a.kind ?? ""}「${a.name}」已存在`,
  // Outreach (issue 15). The server's names for these reasons and their
  // arguments are expected, not yet registered (src/core/error_reason.h);
  // a reason registered under another name falls back to the English text.
  campaign_state: (a) =>
    `活动当前状态为「${named(stateZh, a.state)}」` + (a.action ? `，不能${named(actionZh, a.action)}` : "，不能执行此操作"),
  unknown_channel: (a) => `未知渠道「${a.channel ?? a.name ?? ""}」` + maybe(a.suggestion, (s) => `，是不是「${s}」？`),
  channel_in_use: (a) => `渠道「${a.channel ?? a.name ?? ""}」仍被未结束的活动使用` + maybe(a.campaign ?? a.campaigns, (c) => `：${c}`),
  unknown_content_field: (a) => `内容中的字段 {{${a.field}}} 既不是标签也不是内置字段（user_id、address、message_id、campaign）` + maybe(a.suggestion, (s) => `，是不是「${s}」？`),
  channel_kind: (a) => `渠道类型「${a.kind}」不支持` + maybe(a.expected, (e) => `（可用：${e}）`),
  channel_paused: (a) => `渠道「${a.channel ?? ""}」已被网关限流暂停，稍后自动重试`,
  bad_transition: (a) => `活动当前状态为「${named(stateZh, a.state)}」，不能${named(actionZh, a.action)}`,
  self_approval: (a) =>
    a.principal ? `「${a.principal}」提交了这个活动，不能由本人审批，请由其他管理员审批` : "不能审批自己提交的活动，请由其他管理员审批",
  approver_not_admin: (a) => `只有管理员可以审批活动` + maybe(a.principal, (p) => `，「${p}」不是管理员`),
};

// The machine-readable part of an error from the server, if it has one.
export function serverReason(error: unknown): { reason: string; args: Args } | null {
  if (!(error instanceof ApiError)) return null;
  const reason = error.detail.reason;
  if (typeof reason !== "string" || reason === "") return null;
  const raw = error.detail.args;
  const args: Args = {};
  if (raw && typeof raw === "object") {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) args[k] = String(v);
  }
  return { reason, args };
}

// The error in `lang`, or null when there is no translation (show the original).
export function localizeServerError(lang: string, error: unknown): string | null {
  if (lang !== "zh-CN") return null;
  const r = serverReason(error);
  if (!r) return null;
  const make = zh[r.reason];
  return make ? make(r.args) : null;
}
