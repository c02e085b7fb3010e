// 活动详情 (#/campaigns/{id}; analyst): state and its transitions (who,
// when, comment), the funnel by reason, the send progress (polled every 2 s
// while running), failures and dead letters with retry, the frozen
// treatment / control segments (open in insight as SEGMENT('name')), the
// actions the role allows, and the effect when the server has it.
import { useCallback, useEffect, useState } from "react";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Timeline from "antd/es/timeline";
import Progress from "antd/es/progress";
import Statistic from "antd/es/statistic";
import Table from "antd/es/table";
import type { ColumnsType } from "antd/es/table";
import Segmented from "antd/es/segmented";
import Descriptions from "antd/es/descriptions";
import AntApp from "antd/es/app";
import { href } from "../../app/router";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { ApiError } from "../../api/client";
import { quote } from "../../components/expression/lang";
import { useAsync } from "../../components/useAsync";
import { Panel } from "../../components/ui";
import {
  getCampaign,
  getEffect,
  listRecipients,
  retryRecipients,
  transition,
  type Campaign,
  type CampaignAction,
  type Effect,
  type Recipient,
} from "../../api/outreach";
import { ActionDialog, ErrorAlert, FunnelChart, PageHead, StateTag, errorText, stateLabel, useTimeText } from "./common";

// Which actions a state allows (docs/outreach.md, Lifecycle).
const allowed: Record<string, CampaignAction[]> = {
  draft: ["submit", "cancel"],
  pending_approval: ["approve", "reject", "cancel"],
  rejected: ["cancel"],
  scheduled: ["pause", "cancel", "reject"],
  running: ["pause", "cancel"],
  paused: ["resume", "cancel"],
};

export default function CampaignDetail({ id }: { id: string }) {
  const { t, lang, num, pct } = useI18n();
  const session = useSession();
  const timeText = useTimeText();
  const { message } = AntApp.useApp();
  const [campaign, setCampaign] = useState<Campaign>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((x) => x + 1), []);

  useEffect(() => {
    const ctl = new AbortController();
    getCampaign(id, ctl.signal).then(
      (c) => {
        // A journey (a campaign with an entry) has its own page.
        if ((c as { entry?: unknown }).entry) return window.location.replace(href(["journeys", id]));
        setCampaign(c);
        setError(undefined);
      },
      (e) => !ctl.signal.aborted && setError(e),
    );
    return () => ctl.abort();
  }, [id, tick]);

  // Live progress: every 2 s while running (every 10 s while scheduled, to see it start).
  const state = campaign?.state;
  useEffect(() => {
    if (state !== "running" && state !== "scheduled") return;
    const timer = setInterval(reload, state === "running" ? 2000 : 10000);
    return () => clearInterval(timer);
  }, [state, reload]);

  // The effect panel only when the server answers /effect (hidden on 404 and before the effect issue lands).
  const effect = useAsync<Effect | null>(
    (signal) =>
      campaign && ["running", "done", "paused"].includes(campaign.state)
        ? getEffect(id, signal).catch((e) => {
            if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return null;
            throw e;
          })
        : Promise.resolve(null),
    [id, campaign?.state],
  );

  const [dialog, setDialog] = useState<CampaignAction | null>(null);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const act = async (action: CampaignAction) => {
    setBusy(true);
    try {
      await transition(id, action, comment.trim() || undefined);
      message.success(t("outreach.detail.done", { action: t(("outreach.action." + action) as "outreach.action.submit") }));
      setDialog(null);
      setComment("");
      reload();
    } catch (e) {
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };

  if (error && !campaign) return <ErrorAlert error={error} testId="campaign-load-error" />;
  if (!campaign) return <div className="state loading">{t("common.loading")}</div>;

  const c = campaign;
  const roleFor = (a: CampaignAction) => (a === "approve" || a === "reject" ? "admin" : "operator");
  const actions = (allowed[c.state] ?? []).filter((a) => session.can(roleFor(a)) && a !== "approve");
  const funnel = c.funnel;
  const prog = c.progress ?? {};
  const planned = prog.planned ?? funnel?.planned ?? 0;
  const sent = prog.sent ?? funnel?.sent ?? 0;
  const failed = prog.failed ?? funnel?.failed ?? 0;
  const dead = prog.dead ?? funnel?.dead ?? 0;
  const pending = prog.pending ?? funnel?.pending ?? Math.max(0, planned - sent - failed - dead);
  const handled = sent + failed + dead;
  const started = ["running", "paused", "done", "cancelled"].includes(c.state) && planned > 0;

  return (
    <div data-testid="campaign-page" data-state={c.state}>
      <PageHead
        title={
          <Space>
            <span data-testid="campaign-page-title">{c.title || c.name}</span>
            <StateTag state={c.state} testId="campaign-page-state" />
          </Space>
        }
        sub={
          <span className="mono small">
            {c.name} · {c.channel} {c.theme ? `· ${c.theme}` : ""}
          </span>
        }
        extra={
          <Space wrap>
            {(c.state === "draft" || c.state === "rejected" || c.state === "pending_approval") && session.can("operator") && (
              <Button href={href(["campaigns", c.id, "edit"])} data-testid="campaign-edit">
                {t("outreach.detail.edit")}
              </Button>
            )}
            {c.state === "pending_approval" && session.can("admin") && (
              <Button type="primary" href={href(["approvals", c.id])} data-testid="campaign-review">
                {t("outreach.detail.review")}
              </Button>
            )}
            {actions.map((a) => (
              <Button key={a} danger={a === "cancel" || a === "reject"} type={a === "submit" || a === "resume" ? "primary" : "default"} onClick={() => setDialog(a)} data-testid={"campaign-action-" + a}>
                {t(("outreach.action." + a) as "outreach.action.submit")}
              </Button>
            ))}
            <Button onClick={reload}>{t("common.refresh")}</Button>
          </Space>
        }
      />
      {error !== undefined && <ErrorAlert error={error} />}

      {started && (
        <Panel title={t("outreach.detail.progress")} testId="campaign-progress">
          <Progress
            percent={planned ? Math.floor((handled / planned) * 1000) / 10 : 0}
            success={{ percent: planned ? Math.floor((sent / planned) * 1000) / 10 : 0 }}
            status={c.state === "running" ? "active" : failed + dead > 0 && c.state === "done" ? "exception" : "normal"}
            data-testid="campaign-progress-bar"
          />
          <Space size={40} wrap style={{ marginTop: 12 }}>
            <Statistic title={t("outreach.funnel.planned")} value={num(planned)} />
            <div data-testid="campaign-progress-sent" data-value={sent}>
              <Statistic title={t("outreach.funnel.sent")} value={num(sent)} styles={{ content: { color: "#1e7b36" } }} />
            </div>
            <Statistic title={t("outreach.funnel.failed")} value={num(failed)} styles={{ content: failed ? { color: "#d83931" } : undefined }} />
            <Statistic title={t("outreach.funnel.dead")} value={num(dead)} styles={{ content: dead ? { color: "#d83931" } : undefined }} />
            <Statistic title={t("outreach.funnel.pending")} value={num(pending)} />
            {prog.rate_per_second !== undefined && <Statistic title={t("outreach.detail.rate")} value={num(prog.rate_per_second, 1)} suffix="/s" />}
          </Space>
          {c.state === "running" && <div className="muted small">{t("outreach.detail.polling")}</div>}
        </Panel>
      )}

      <div className="grid2">
        <Panel title={t("outreach.detail.funnel")} testId="campaign-funnel">
          {funnel ? <FunnelChart funnel={funnel} testId="campaign-funnel-view" /> : <div className="muted">{t("outreach.detail.noFunnel")}</div>}
        </Panel>
        <Panel title={t("outreach.detail.history")} testId="campaign-history">
          <Timeline
            items={(c.transitions ?? []).map((tr, i) => ({
              key: i,
              color: tr.to === "rejected" || tr.to === "cancelled" ? "red" : tr.to === "done" ? "green" : "blue",
              title: timeText(tr.at_ms ?? tr.at),
              content: (
                <div data-testid={"campaign-transition-" + i}>
                  <b>{stateLabel(t, tr.to)}</b> <span className="muted">← {stateLabel(t, tr.from)}</span>
                  <div className="small">{t("outreach.detail.by", { who: tr.by })}</div>
                  {tr.comment && <div className="small outreach-comment">“{tr.comment}”</div>}
                </div>
              ),
            }))}
          />
          {(c.transitions ?? []).length === 0 && <div className="muted">{t("outreach.detail.noHistory")}</div>}
        </Panel>
      </div>

      <Panel title={t("outreach.detail.definition")}>
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label={t("outreach.editor.stepAudience")} span={2}>
            <code>{c.audience?.segment ? `SEGMENT(${quote(c.audience.segment)})` : (c.audience?.expr ?? "—")}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t("outreach.editor.control")}>{pct(c.control?.share ?? 0)}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.editor.goal")}>{c.goal?.event ? t("outreach.editor.goalText", { event: c.goal.event, days: c.goal.window_days }) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.campaign.class")}>{t(c.class === "transactional" ? "outreach.class.transactional" : "outreach.class.marketing")}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.editor.schedule")}>{c.schedule?.at ? timeText(c.schedule.at) : t("outreach.editor.onApproval")}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.campaign.created")}>
            {timeText(c.created_ms ?? c.created_at)} {c.created_by && <span className="muted">· {c.created_by}</span>}
          </Descriptions.Item>
          <Descriptions.Item label={t("common.updated")}>{timeText(c.updated_ms ?? c.updated_at)}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.editor.content")} span={2}>
            <pre className="mono outreach-pre">{JSON.stringify(c.content ?? {}, null, 2)}</pre>
          </Descriptions.Item>
        </Descriptions>
      </Panel>

      {c.segments && (c.segments.treatment || c.segments.control) && (
        <Panel title={t("outreach.detail.segments")} testId="campaign-segments">
          <div className="muted small" style={{ marginBottom: 8 }}>
            {t("outreach.detail.segmentsHint")}
          </div>
          <Space size={24} wrap>
            {(["treatment", "control"] as const).map((arm) =>
              c.segments?.[arm] ? (
                <div key={arm}>
                  <div className="field-label">{t(arm === "treatment" ? "outreach.detail.treatment" : "outreach.detail.controlArm")}</div>
                  <a href={href(["insight"], { expr: `SEGMENT(${quote(c.segments[arm]!)})` })} className="mono" data-testid={"campaign-segment-" + arm}>
                    {c.segments[arm]}
                  </a>
                </div>
              ) : null,
            )}
          </Space>
        </Panel>
      )}

      {started && <Failures id={c.id} canRetry={session.can("operator")} version={handled} />}

      {effect.data && <EffectPanel effect={effect.data} />}

      <ActionDialog
        action={dialog}
        label={dialog ? t(("outreach.action." + dialog) as "outreach.action.submit") : ""}
        busy={busy}
        comment={comment}
        onComment={setComment}
        onOk={() => dialog && act(dialog)}
        onCancel={() => setDialog(null)}
        cancelWarning={t("outreach.detail.cancelWarning")}
        testId="campaign-action"
      />
    </div>
  );
}

// Failures and dead letters (GET /recipients?state=dead|failed) with retry of dead letters.
function Failures({ id, canRetry, version }: { id: string; canRetry: boolean; version: number }) {
  const { t, lang, num } = useI18n();
  const timeText = useTimeText();
  const { message } = AntApp.useApp();
  const [which, setWhich] = useState<"dead" | "failed">("dead");
  const [selected, setSelected] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const rows = useAsync((signal) => listRecipients(id, { state: which, limit: 200 }, signal), [id, which, version]);
  const retry = async (all: boolean) => {
    setBusy(true);
    try {
      const r = await retryRecipients(id, all ? undefined : selected);
      message.success(t("outreach.detail.retried", { n: num(r?.retried ?? selected.length) }));
      setSelected([]);
      rows.reload();
    } catch (e) {
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };
  const columns: ColumnsType<Recipient> = [
    { title: t("outreach.detail.user"), dataIndex: "user_id", key: "user", render: (v: string) => <span className="mono">{v}</span> },
    { title: t("common.status"), dataIndex: "state", key: "state" },
    { title: t("outreach.detail.attempts"), dataIndex: "attempts", key: "attempts", align: "right" },
    { title: t("outreach.detail.error"), dataIndex: "error", key: "error", render: (v?: string) => <span className="small">{v ?? "—"}</span> },
    { title: t("outreach.detail.messageId"), dataIndex: "message_id", key: "mid", render: (v?: string) => <span className="mono small">{v ?? "—"}</span> },
    { title: t("outreach.detail.at"), dataIndex: "at", key: "at", render: (v?: string | number) => <span className="small">{timeText(v)}</span> },
  ];
  return (
    <Panel
      title={t("outreach.detail.failures")}
      testId="campaign-failures"
      actions={
        <Space>
          <Segmented
            value={which}
            onChange={(v) => {
              setWhich(v as "dead" | "failed");
              setSelected([]);
            }}
            options={[
              { value: "dead", label: t("outreach.detail.dead") },
              { value: "failed", label: t("outreach.detail.failedPermanent") },
            ]}
          />
          {canRetry && which === "dead" && (
            <>
              <Button disabled={selected.length === 0} loading={busy} onClick={() => retry(false)} data-testid="campaign-retry-selected">
                {t("outreach.detail.retrySelected", { n: selected.length })}
              </Button>
              <Button disabled={(rows.data?.recipients ?? []).length === 0} loading={busy} onClick={() => retry(true)} data-testid="campaign-retry-all">
                {t("outreach.detail.retryAll")}
              </Button>
            </>
          )}
        </Space>
      }
    >
      <ErrorAlert error={rows.error} />
      <Table<Recipient>
        size="small"
        rowKey="user_id"
        loading={rows.loading}
        columns={columns}
        dataSource={rows.data?.recipients ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        rowSelection={canRetry && which === "dead" ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
        locale={{ emptyText: which === "dead" ? t("outreach.detail.noDead") : t("outreach.detail.noFailed") }}
      />
      {rows.data?.next_cursor && <div className="muted small">{t("outreach.detail.more")}</div>}
    </Panel>
  );
}

// The effect (the contract's answer): conversion per arm and the uplift with its interval.
function EffectPanel({ effect }: { effect: Effect }) {
  const { t, num, pct } = useI18n();
  const ci = (r: [number, number] | undefined, f: (x: number) => string) => (r ? `[${f(r[0])}, ${f(r[1])}]` : "—");
  return (
    <Panel title={t("outreach.effect.title")} testId="campaign-effect">
      <div className="muted small" style={{ marginBottom: 8 }}>
        {t("outreach.editor.goalText", { event: effect.goal?.event ?? "—", days: effect.goal?.window_days ?? 0 })}
      </div>
      <Space size={40} wrap>
        <Statistic title={t("outreach.effect.treatment")} value={pct(effect.treatment?.rate ?? 0, 2)} suffix={<span className="small muted">{num(effect.treatment?.converted ?? 0)} / {num(effect.treatment?.users ?? 0)}</span>} />
        <Statistic title={t("outreach.effect.control")} value={pct(effect.control?.rate ?? 0, 2)} suffix={<span className="small muted">{num(effect.control?.converted ?? 0)} / {num(effect.control?.users ?? 0)}</span>} />
        <Statistic title={t("outreach.effect.uplift")} value={pct(effect.uplift?.absolute ?? 0, 2)} suffix={<span className="small muted">{ci(effect.uplift?.absolute_ci95, (x) => pct(x, 2))}</span>} />
        <Statistic title={t("outreach.effect.relative")} value={pct(effect.uplift?.relative ?? 0, 1)} suffix={<span className="small muted">{ci(effect.uplift?.relative_ci95, (x) => pct(x, 1))}</span>} />
        <Statistic title={t("outreach.effect.pValue")} value={num(effect.uplift?.p_value ?? 1, 4)} />
      </Space>
      {effect.srm_p_value !== undefined && effect.srm_p_value < 0.01 && <ErrorAlert error={new Error(t("outreach.effect.srm", { p: num(effect.srm_p_value, 4) }))} />}
    </Panel>
  );
}
