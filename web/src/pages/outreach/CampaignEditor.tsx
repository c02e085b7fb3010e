// 活动编辑 (#/campaigns/new, #/campaigns/{id}/edit; operator): a campaign
// in five steps — basics, audience, channel and content, rules, schedule —
// saved as a draft at any step and submitted for approval at the end.
//
// The audience is an expression (the segment builder), a saved segment, or
// a report cell's expression passed by URL (#/campaigns/new?expr=...); its
// size is counted live (POST /segments/count) and, once the draft is saved,
// the whole funnel is estimated (POST /campaigns/{id}/estimate). The content
// is the channel's JSON with {{field}} placeholders, previewed for sample
// users (POST /campaigns/{id}/preview).
import { useEffect, useMemo, useRef, useState } from "react";
import Steps from "antd/es/steps";
import Form from "antd/es/form";
import Input from "antd/es/input";
import InputNumber from "antd/es/input-number";
import Select from "antd/es/select";
import AutoComplete from "antd/es/auto-complete";
import Radio from "antd/es/radio";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Alert from "antd/es/alert";
import Card from "antd/es/card";
import DatePicker from "antd/es/date-picker";
import Tag from "antd/es/tag";
import Descriptions from "antd/es/descriptions";
import AntApp from "antd/es/app";
import dayjs, { type Dayjs } from "dayjs";
import type { Route } from "../../app/router";
import { href, navigate } from "../../app/router";
import { useSession } from "../../app/session";
import { useI18n, type MessageKey } from "../../i18n";
import { useAsync, useDebounced } from "../../components/useAsync";
import ExpressionBuilder from "../../components/expression/ExpressionBuilder";
import { quote } from "../../components/expression/lang";
import { TagPicker } from "../../components/TagPicker";
import { countSegment, listSegments } from "../../api/segments";
import { listEventTypes } from "../../api/events";
import {
  builtinFields,
  createCampaign,
  estimateCampaign,
  getCampaign,
  listCampaigns,
  listChannels,
  placeholders,
  previewCampaign,
  transition,
  updateCampaign,
  type Campaign,
  type CampaignDefinition,
  type Funnel,
  type Preview,
} from "../../api/outreach";
import { ErrorAlert, FunnelChart, PageHead, PreviewList, StateTag, errorText } from "./common";

type AudienceMode = "expr" | "segment";

// The editor's state: the definition's parts as the inputs hold them.
interface Draft {
  name: string;
  title: string;
  theme: string;
  cls: "marketing" | "transactional";
  mode: AudienceMode;
  expr: string;
  segment: string;
  channel: string;
  content: string; // JSON text
  controlPct: number; // 0..50
  goalEvent: string;
  goalDays: number;
  budget: number | null;
  scheduleMode: "approval" | "at";
  at: string; // RFC 3339 when scheduleMode is "at"
}

const emptyDraft = (expr = "", segment = ""): Draft => ({
  name: "",
  title: "",
  theme: "",
  cls: "marketing",
  mode: segment ? "segment" : "expr",
  expr,
  segment,
  channel: "",
  content: "",
  controlPct: 10,
  goalEvent: "",
  goalDays: 7,
  budget: null,
  scheduleMode: "approval",
  at: "",
});

function fromCampaign(c: Campaign): Draft {
  return {
    name: c.name,
    title: c.title ?? "",
    theme: c.theme ?? "",
    cls: c.class ?? "marketing",
    mode: c.audience?.segment ? "segment" : "expr",
    expr: c.audience?.expr ?? "",
    segment: c.audience?.segment ?? "",
    channel: c.channel ?? "",
    content: JSON.stringify(c.content ?? {}, null, 2),
    controlPct: Math.round((c.control?.share ?? 0) * 1000) / 10,
    goalEvent: c.goal?.event ?? "",
    goalDays: c.goal?.window_days ?? 7,
    budget: c.budget?.max_recipients ?? null,
    scheduleMode: c.schedule?.at ? "at" : "approval",
    at: c.schedule?.at ?? "",
  };
}

// The content a new campaign on a channel of `kind` starts from (the
// operator edits it; fields in {{ }} are filled per user at send time).
function starterContent(kind: string, t: (k: MessageKey) => string): Record<string, unknown> {
  const hello = t("outreach.editor.starterText");
  switch (kind) {
    case "sms":
      return { template_param: { name: "{{user_id}}" } };
    case "email":
      return { subject: t("outreach.editor.starterSubject"), text: hello, html: `<p>${hello}</p>` };
    case "wechat_template":
      return { url: "", data: { first: { value: hello }, remark: { value: "" } } };
    case "wecom_bot":
      return { msgtype: "markdown", markdown: { content: hello } };
    case "coupon":
      return { coupon_batch: "", user_id: "{{user_id}}" };
    default:
      return { text: hello, user: "{{user_id}}" };
  }
}

type ParsedContent = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };
function parseContent(text: string): ParsedContent {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, error: "content must be a JSON object" };
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function toDefinition(d: Draft, content: Record<string, unknown>): CampaignDefinition {
  return {
    name: d.name.trim(),
    title: d.title.trim() || undefined,
    theme: d.theme.trim() || undefined,
    class: d.cls,
    audience: d.mode === "segment" ? { segment: d.segment } : { expr: d.expr.trim() },
    channel: d.channel,
    content,
    control: { share: Math.max(0, Math.min(0.5, d.controlPct / 100)) },
    goal: d.goalEvent ? { event: d.goalEvent, window_days: d.goalDays } : undefined,
    budget: d.budget ? { max_recipients: d.budget } : undefined,
    schedule: d.scheduleMode === "at" && d.at ? { at: d.at } : undefined,
  };
}

export default function CampaignEditor({ route, id: routeId }: { route: Route; id?: string }) {
  const { t, lang, num, pct } = useI18n();
  const session = useSession();
  const { message } = AntApp.useApp();
  const [id, setId] = useState<string | undefined>(routeId);
  const [state, setState] = useState<string>("draft");
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(route.query.get("expr") ?? "", route.query.get("segment") ?? ""));
  const [step, setStep] = useState(Number(route.query.get("step") ?? 0) || 0);
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [busy, setBusy] = useState<"" | "save" | "submit" | "estimate" | "preview">("");
  const [funnel, setFunnel] = useState<Funnel>();
  const [previews, setPreviews] = useState<Preview[]>();
  const [previewUsers, setPreviewUsers] = useState("");
  const contentBox = useRef<HTMLTextAreaElement | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  // An existing campaign: its definition into the inputs.
  useEffect(() => {
    if (!routeId) return;
    const ctl = new AbortController();
    getCampaign(routeId, ctl.signal).then(
      (c) => {
        setDraft(fromCampaign(c));
        setState(c.state);
        if (c.funnel) setFunnel(c.funnel);
      },
      (e) => !ctl.signal.aborted && setLoadError(e),
    );
    return () => ctl.abort();
  }, [routeId]);

  const channels = useAsync((signal) => listChannels(signal), []);
  const segments = useAsync((signal) => listSegments<{ segments: { name: string; description?: string }[] }>({}, signal).then((r) => r.segments ?? []), []);
  const eventTypes = useAsync((signal) => listEventTypes<{ types: { name: string; title?: { zh?: string; en?: string } }[] }>(signal).then((r) => r.types ?? []), []);
  const themes = useAsync((signal) => listCampaigns({}, signal).then((cs) => [...new Set(cs.map((c) => c.theme).filter((x): x is string => !!x))].sort()), []);
  const channel = channels.data?.find((c) => c.name === draft.channel);

  // Live audience size.
  const audienceExpr = draft.mode === "segment" ? (draft.segment ? `SEGMENT(${quote(draft.segment)})` : "") : draft.expr.trim();
  const debounced = useDebounced(audienceExpr, 400);
  const count = useAsync(
    (signal) => (debounced ? countSegment({ expr: debounced }, signal).then((r) => r.count ?? 0) : Promise.resolve(undefined)),
    [debounced],
  );

  const parsed = useMemo(() => parseContent(draft.content), [draft.content]);
  const fields = useMemo(() => (parsed.ok ? placeholders(parsed.value) : []), [parsed]);

  const pickChannel = (name: string) => {
    const kind = channels.data?.find((c) => c.name === name)?.kind ?? "webhook";
    setDraft((d) => ({ ...d, channel: name, content: d.content.trim() ? d.content : JSON.stringify(starterContent(kind, t), null, 2) }));
  };

  // Inserts {{field}} at the content's cursor.
  const insertField = (field: string) => {
    const el = contentBox.current;
    const token = `{{${field}}}`;
    if (!el) return set("content", draft.content + token);
    const start = el.selectionStart ?? draft.content.length;
    const end = el.selectionEnd ?? start;
    set("content", draft.content.slice(0, start) + token + draft.content.slice(end));
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const missing: string[] = [];
  if (!draft.name.trim()) missing.push(t("outreach.campaign.name"));
  if (!audienceExpr) missing.push(t("outreach.editor.stepAudience"));
  if (!draft.channel) missing.push(t("outreach.campaign.channel"));
  if (!parsed.ok) missing.push(t("outreach.editor.content"));
  if (draft.scheduleMode === "at" && !draft.at) missing.push(t("outreach.editor.scheduleAt"));

  // Saves the draft (creates it the first time) and answers its id.
  const save = async (): Promise<string> => {
    if (!parsed.ok) throw new Error(t("outreach.editor.badJson", { message: parsed.error }));
    const def = toDefinition(draft, parsed.value);
    const c = id ? await updateCampaign(id, def) : await createCampaign(def);
    const newId = c?.id ?? id;
    if (!newId) throw new Error("the server answered no campaign id");
    if (!id) {
      setId(newId);
      // The address of what is now a saved draft, without reloading the editor.
      window.history.replaceState(null, "", href(["campaigns", newId, "edit"]));
    }
    if (c?.state) setState(c.state);
    return newId;
  };

  const run = async (what: "save" | "submit" | "estimate" | "preview") => {
    setBusy(what);
    setSaveError(undefined);
    try {
      const cid = await save();
      if (what === "save") message.success(t("outreach.editor.saved"));
      if (what === "estimate") setFunnel(await estimateCampaign(cid));
      if (what === "preview") {
        const users = previewUsers.split(/[\s,，]+/).filter(Boolean);
        setPreviews(await previewCampaign(cid, users));
      }
      if (what === "submit") {
        await transition(cid, "submit");
        message.success(t("outreach.editor.submitted"));
        navigate(["campaigns", cid]);
      }
    } catch (e) {
      setSaveError(e);
      message.error(errorText(lang, e));
    } finally {
      setBusy("");
    }
  };

  if (!session.can("operator")) return <ErrorAlert error={new Error(t("common.noPermission"))} />;
  if (loadError) return <ErrorAlert error={loadError} />;

  const steps = [
    { key: "basics", title: t("outreach.editor.stepBasics") },
    { key: "audience", title: t("outreach.editor.stepAudience") },
    { key: "content", title: t("outreach.editor.stepContent") },
    { key: "rules", title: t("outreach.editor.stepRules") },
    { key: "schedule", title: t("outreach.editor.stepSchedule") },
  ];

  const basics = (
    <>
      <Form.Item label={t("outreach.campaign.name")} required extra={t("outreach.editor.nameHint")}>
        <Input value={draft.name} onChange={(e) => set("name", e.target.value)} placeholder="renew_nov" disabled={!!id} data-testid="campaign-name" />
      </Form.Item>
      <Form.Item label={t("common.title")}>
        <Input value={draft.title} onChange={(e) => set("title", e.target.value)} placeholder={t("outreach.editor.titlePlaceholder")} data-testid="campaign-title" />
      </Form.Item>
      <Form.Item label={t("outreach.campaign.theme")} extra={t("outreach.editor.themeHint")}>
        <AutoComplete
          value={draft.theme}
          onChange={(v: string) => set("theme", v)}
          options={(themes.data ?? []).map((x) => ({ value: x }))}
          placeholder={t("outreach.editor.themePlaceholder")}
          data-testid="campaign-theme"
        />
      </Form.Item>
      <Form.Item label={t("outreach.campaign.class")} extra={draft.cls === "transactional" ? t("outreach.editor.transactionalHint") : t("outreach.editor.marketingHint")}>
        <Radio.Group value={draft.cls} onChange={(e) => set("cls", e.target.value)} data-testid="campaign-class">
          <Radio.Button value="marketing">{t("outreach.class.marketing")}</Radio.Button>
          <Radio.Button value="transactional">{t("outreach.class.transactional")}</Radio.Button>
        </Radio.Group>
      </Form.Item>
    </>
  );

  const audience = (
    <>
      <Form.Item label={t("outreach.editor.audienceFrom")}>
        <Radio.Group value={draft.mode} onChange={(e) => set("mode", e.target.value)} data-testid="campaign-audience-mode">
          <Radio.Button value="expr">{t("outreach.editor.audienceExpr")}</Radio.Button>
          <Radio.Button value="segment">{t("outreach.editor.audienceSegment")}</Radio.Button>
        </Radio.Group>
      </Form.Item>
      {route.query.get("expr") && draft.mode === "expr" && <Alert type="info" showIcon title={t("outreach.editor.fromReportCell")} style={{ marginBottom: 12 }} />}
      {draft.mode === "expr" ? (
        <ExpressionBuilder value={draft.expr} onChange={(v) => set("expr", v)} selfValidate={false} serverError={count.error ?? null} testId="campaign-expr" />
      ) : (
        <Form.Item label={t("outreach.editor.savedSegment")}>
          <Select
            showSearch
            value={draft.segment || undefined}
            onChange={(v: string) => set("segment", v)}
            loading={segments.loading}
            placeholder={t("outreach.editor.pickSegment")}
            options={(segments.data ?? []).map((s) => ({ value: s.name, label: s.description ? `${s.name} — ${s.description}` : s.name }))}
            style={{ width: "100%" }}
            data-testid="campaign-segment"
          />
        </Form.Item>
      )}
      <Card size="small" style={{ marginTop: 12 }}>
        <Space align="baseline" wrap>
          <span className="field-label">{t("outreach.editor.audienceSize")}</span>
          <span className="mid-number" data-testid="campaign-audience-count">
            {!audienceExpr ? "—" : count.loading ? t("common.loading") : count.data !== undefined ? t("common.users", { n: num(count.data) }) : "—"}
          </span>
          {audienceExpr && (
            <a href={href(["insight"], { expr: audienceExpr })} target="_blank" rel="noreferrer">
              {t("outreach.editor.openInsight")}
            </a>
          )}
        </Space>
        {count.error && draft.mode === "segment" && <ErrorAlert error={count.error} />}
      </Card>
      <Card
        size="small"
        style={{ marginTop: 12 }}
        title={t("outreach.editor.estimateTitle")}
        extra={
          <Button onClick={() => run("estimate")} loading={busy === "estimate"} disabled={!draft.name.trim() || !audienceExpr || !draft.channel || !parsed.ok} data-testid="campaign-estimate">
            {t("outreach.editor.estimate")}
          </Button>
        }
      >
        {funnel ? <FunnelChart funnel={funnel} testId="campaign-estimate-funnel" /> : <div className="muted small">{t("outreach.editor.estimateHint")}</div>}
      </Card>
    </>
  );

  const content = (
    <>
      <Form.Item label={t("outreach.campaign.channel")} required>
        <Select
          value={draft.channel || undefined}
          onChange={pickChannel}
          loading={channels.loading}
          placeholder={t("outreach.editor.pickChannel")}
          options={(channels.data ?? []).map((c) => ({ value: c.name, label: `${c.name} · ${t(("outreach.kind." + c.kind) as MessageKey)}` }))}
          style={{ width: 360 }}
          data-testid="campaign-channel"
          notFoundContent={t("outreach.editor.noChannels")}
        />
      </Form.Item>
      {channels.error && <ErrorAlert error={channels.error} />}
      {channel?.kind === "wechat_template" && (
        <Alert type="warning" showIcon title={t("outreach.channel.wechatOnlyService")} style={{ marginBottom: 12 }} data-testid="campaign-wechat-note" />
      )}
      <Form.Item
        label={t("outreach.editor.content")}
        required
        validateStatus={parsed.ok ? undefined : "error"}
        help={parsed.ok ? t("outreach.editor.contentHint") : t("outreach.editor.badJson", { message: parsed.error })}
      >
        <Input.TextArea
          ref={(r) => {
            contentBox.current = r?.resizableTextArea?.textArea ?? null;
          }}
          className="mono"
          autoSize={{ minRows: 8, maxRows: 24 }}
          value={draft.content}
          onChange={(e) => set("content", e.target.value)}
          spellCheck={false}
          data-testid="campaign-content"
        />
      </Form.Item>
      <div className="outreach-fields">
        <span className="field-label">{t("outreach.editor.insertField")}</span>
        {builtinFields.map((f) => (
          <Tag key={f} className="clickable" onClick={() => insertField(f)} data-testid={"campaign-field-" + f}>
            {`{{${f}}}`}
          </Tag>
        ))}
        <TagPicker onChange={(tag) => insertField(tag.name)} placeholder={t("outreach.editor.insertTag")} testId="campaign-field-tag" />
      </div>
      {fields.length > 0 && (
        <div className="muted small" style={{ marginTop: 6 }}>
          {t("outreach.editor.fieldsUsed")} {fields.map((f) => <code key={f} className="outreach-field">{f}</code>)}
        </div>
      )}
      <Card
        size="small"
        style={{ marginTop: 12 }}
        title={t("outreach.preview.title")}
        extra={
          <Space>
            <Input size="small" value={previewUsers} onChange={(e) => setPreviewUsers(e.target.value)} placeholder={t("outreach.preview.users")} style={{ width: 220 }} data-testid="campaign-preview-users" />
            <Button size="small" onClick={() => run("preview")} loading={busy === "preview"} disabled={!draft.name.trim() || !audienceExpr || !draft.channel || !parsed.ok} data-testid="campaign-preview">
              {t("outreach.preview.run")}
            </Button>
          </Space>
        }
      >
        {previews ? <PreviewList previews={previews} testId="campaign-previews" /> : <div className="muted small">{t("outreach.preview.hint")}</div>}
      </Card>
    </>
  );

  const rules = (
    <>
      <Form.Item label={t("outreach.editor.control")} extra={t("outreach.editor.controlHint")}>
        <InputNumber min={0} max={50} step={1} value={draft.controlPct} onChange={(v) => set("controlPct", v ?? 0)} suffix="%" data-testid="campaign-control" />
      </Form.Item>
      <Form.Item label={t("outreach.editor.goal")} extra={t("outreach.editor.goalHint")}>
        <Space wrap>
          <Select
            allowClear
            showSearch
            value={draft.goalEvent || undefined}
            onChange={(v?: string) => set("goalEvent", v ?? "")}
            loading={eventTypes.loading}
            placeholder={t("outreach.editor.goalEvent")}
            options={(eventTypes.data ?? []).map((e) => ({ value: e.name, label: e.title?.zh || e.title?.en ? `${lang === "en" ? (e.title?.en ?? e.title?.zh) : (e.title?.zh ?? e.title?.en)} (${e.name})` : e.name }))}
            style={{ width: 280 }}
            data-testid="campaign-goal-event"
          />
          <InputNumber
            min={1}
            max={90}
            value={draft.goalDays}
            onChange={(v) => set("goalDays", v ?? 7)}
            disabled={!draft.goalEvent}
            prefix={t("outreach.editor.goalWindow")}
            suffix={t("outreach.editor.days")}
            data-testid="campaign-goal-days"
          />
        </Space>
      </Form.Item>
      <Form.Item label={t("outreach.editor.budget")} extra={t("outreach.editor.budgetHint")}>
        <InputNumber min={1} value={draft.budget ?? undefined} onChange={(v) => set("budget", v ?? null)} placeholder={t("outreach.editor.noLimit")} style={{ width: 200 }} data-testid="campaign-budget" />
      </Form.Item>
    </>
  );

  const schedule = (
    <>
      <Form.Item label={t("outreach.editor.schedule")}>
        <Radio.Group value={draft.scheduleMode} onChange={(e) => set("scheduleMode", e.target.value)} data-testid="campaign-schedule-mode">
          <Radio value="approval">{t("outreach.editor.onApproval")}</Radio>
          <Radio value="at">{t("outreach.editor.scheduleAt")}</Radio>
        </Radio.Group>
      </Form.Item>
      {draft.scheduleMode === "at" && (
        <Form.Item label={t("outreach.editor.scheduleAt")} extra={t("outreach.editor.scheduleHint")}>
          <DatePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            value={draft.at ? dayjs(draft.at) : null}
            onChange={(v: Dayjs | null) => set("at", v ? v.format() : "")}
            disabledDate={(d: Dayjs) => d.isBefore(dayjs().startOf("day"))}
            data-testid="campaign-schedule-at"
          />
        </Form.Item>
      )}
      <Descriptions size="small" bordered column={1} title={t("outreach.editor.summary")} style={{ marginTop: 8 }}>
        <Descriptions.Item label={t("outreach.campaign.name")}>{draft.name || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("outreach.editor.stepAudience")}>
          <code>{audienceExpr || "—"}</code>
          {count.data !== undefined && <span className="muted"> · {t("common.users", { n: num(count.data) })}</span>}
        </Descriptions.Item>
        <Descriptions.Item label={t("outreach.campaign.channel")}>{draft.channel || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("outreach.editor.control")}>{pct(draft.controlPct / 100)}</Descriptions.Item>
        <Descriptions.Item label={t("outreach.editor.goal")}>{draft.goalEvent ? t("outreach.editor.goalText", { event: draft.goalEvent, days: draft.goalDays }) : "—"}</Descriptions.Item>
        <Descriptions.Item label={t("outreach.campaign.class")}>{t(("outreach.class." + draft.cls) as MessageKey)}</Descriptions.Item>
      </Descriptions>
      {missing.length > 0 && <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t("outreach.editor.missing", { fields: missing.join("、") })} data-testid="campaign-missing" />}
    </>
  );

  const bodies = [basics, audience, content, rules, schedule];
  return (
    <div data-testid="campaign-editor">
      <PageHead
        title={id ? t("outreach.editor.editTitle", { name: draft.title || draft.name }) : t("outreach.editor.newTitle")}
        sub={id ? <StateTag state={state} /> : t("outreach.editor.sub")}
        extra={id && <a href={href(["campaigns", id])}>{t("outreach.editor.toCampaign")}</a>}
      />
      {state !== "draft" && id && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t("outreach.editor.backToDraft")} />}
      <Steps current={step} onChange={setStep} items={steps.map((s) => ({ title: s.title }))} style={{ marginBottom: 20 }} data-testid="campaign-steps" />
      <div className="panel">
        <div className="panel-body">
          <Form layout="vertical" component="div">
            {bodies[step]}
          </Form>
        </div>
      </div>
      <ErrorAlert error={saveError} testId="campaign-error" />
      <Space>
        <Button disabled={step === 0} onClick={() => setStep(step - 1)} data-testid="campaign-prev">
          {t("outreach.editor.prev")}
        </Button>
        {step < steps.length - 1 && (
          <Button type="primary" onClick={() => setStep(step + 1)} data-testid="campaign-next">
            {t("outreach.editor.next")}
          </Button>
        )}
        <Button onClick={() => run("save")} loading={busy === "save"} disabled={!draft.name.trim() || !parsed.ok} data-testid="campaign-save">
          {t("outreach.editor.saveDraft")}
        </Button>
        {step === steps.length - 1 && (
          <Button type="primary" onClick={() => run("submit")} loading={busy === "submit"} disabled={missing.length > 0} data-testid="campaign-submit">
            {t("outreach.editor.submit")}
          </Button>
        )}
      </Space>
    </div>
  );
}
