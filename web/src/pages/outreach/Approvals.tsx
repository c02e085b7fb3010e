// 审批 (#/approvals, #/approvals/{id}; admin): the campaigns waiting for
// approval, and for one of them "look before you touch": the funnel after
// each filter (POST /campaigns/{id}/estimate), the audience's recent
// business metrics (POST /insight/metrics with a query kept in this
// browser, optional), the content for sample users, then approve or reject
// with a comment. The submitter may not approve their own campaign; the
// server refuses and its message is shown.
import { useEffect, useState } from "react";
import Table from "antd/es/table";
import type { ColumnsType } from "antd/es/table";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Input from "antd/es/input";
import Select from "antd/es/select";
import Alert from "antd/es/alert";
import Descriptions from "antd/es/descriptions";
import AntApp from "antd/es/app";
import { href, navigate } from "../../app/router";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Panel } from "../../components/ui";
import { quote } from "../../components/expression/lang";
import { listSources } from "../../api/catalog";
import { segmentMetrics } from "../../api/insight";
import {
  estimateCampaign,
  getCampaign,
  listCampaigns,
  previewCampaign,
  summarySizes,
  transition,
  type CampaignSummary,
} from "../../api/outreach";
import { ErrorAlert, FunnelChart, PageHead, PreviewList, StateTag, errorText, useTimeText } from "./common";

// A journey is reviewed on its own page (the canvas, the test run); a campaign on the approval screen.
const reviewHref = (c: CampaignSummary) => (c.kind === "journey" ? href(["journeys", c.id]) : href(["approvals", c.id]));

export function ApprovalInbox() {
  const { t, num } = useI18n();
  const timeText = useTimeText();
  const list = useAsync((signal) => listCampaigns({ state: "pending_approval" }, signal), []);
  const columns: ColumnsType<CampaignSummary> = [
    {
      title: t("outreach.campaign.name"),
      key: "name",
      render: (_, c) => (
        <a href={reviewHref(c)} data-testid={"approval-link-" + c.name}>
          {c.title || c.name}
          {c.title && <div className="muted small mono">{c.name}</div>}
        </a>
      ),
    },
    { title: t("outreach.campaign.theme"), dataIndex: "theme", key: "theme", render: (v?: string) => v ?? "—" },
    {
      title: t("outreach.campaign.channel"),
      key: "channel",
      render: (_, c) => (c.kind === "journey" ? <span className="muted">{t("outreach.journey.kindLabel")}</span> : <span className="mono">{c.channel ?? "—"}</span>),
    },
    { title: t("outreach.funnel.audience"), key: "audience", align: "right", render: (_, c) => (summarySizes(c).audience !== undefined ? num(summarySizes(c).audience!) : "—") },
    { title: t("outreach.approval.submittedBy"), key: "by", render: (_, c) => c.submitted_by ?? c.created_by ?? "—" },
    { title: t("common.updated"), key: "updated", render: (_, c) => <span className="small">{timeText(c.updated_ms ?? c.updated_at)}</span> },
    {
      title: t("common.actions"),
      key: "act",
      render: (_, c) => (
        <Button size="small" type="primary" href={reviewHref(c)} data-testid={"approval-open-" + c.name}>
          {t("outreach.approval.review")}
        </Button>
      ),
    },
  ];
  return (
    <div data-testid="approvals-page">
      <PageHead title={t("outreach.approval.title")} sub={t("outreach.approval.sub")} extra={<Button onClick={list.reload}>{t("common.refresh")}</Button>} />
      <ErrorAlert error={list.error} />
      <Table<CampaignSummary>
        rowKey="id"
        loading={list.loading}
        columns={columns}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("outreach.approval.empty") }}
        data-testid="approvals-table"
      />
    </div>
  );
}

const metricsKey = "tagloop.outreach.metrics";
interface SavedMetrics {
  source: string;
  query: string;
}
const loadSaved = (): SavedMetrics => {
  try {
    const v = JSON.parse(localStorage.getItem(metricsKey) ?? "null");
    if (v && typeof v.source === "string" && typeof v.query === "string") return v;
  } catch {
    // nothing saved
  }
  return { source: "", query: "" };
};

export function ApprovalScreen({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const timeText = useTimeText();
  const { message } = AntApp.useApp();
  const campaign = useAsync((signal) => getCampaign(id, signal), [id]);
  const estimate = useAsync((signal) => estimateCampaign(id, signal), [id]);
  const previews = useAsync(() => previewCampaign(id), [id]);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState<"" | "approve" | "reject">("");
  const [actError, setActError] = useState<unknown>();

  const c = campaign.data;
  // A journey is reviewed on its own page (the canvas, the test run).
  const isJourney = !!(c as { entry?: unknown } | undefined)?.entry;
  useEffect(() => {
    if (isJourney) window.location.replace(href(["journeys", id]));
  }, [isJourney, id]);
  const audienceExpr = c ? (c.audience?.segment ? `SEGMENT(${quote(c.audience.segment)})` : (c.audience?.expr ?? "")) : "";
  const submitter = c?.submitted_by ?? [...(c?.transitions ?? [])].reverse().find((tr) => tr.to === "pending_approval")?.by;
  const own = !!submitter && submitter === session.name;

  const decide = async (action: "approve" | "reject") => {
    setBusy(action);
    setActError(undefined);
    try {
      await transition(id, action, comment.trim() || undefined);
      message.success(t(action === "approve" ? "outreach.approval.approved" : "outreach.approval.rejected"));
      navigate(["campaigns", id]);
    } catch (e) {
      setActError(e);
      message.error(errorText(lang, e));
    } finally {
      setBusy("");
    }
  };

  if (campaign.error) return <ErrorAlert error={campaign.error} />;
  if (!c || isJourney) return <div className="state loading">{t("common.loading")}</div>;
  return (
    <div data-testid="approval-screen">
      <PageHead
        title={
          <Space>
            {t("outreach.approval.reviewTitle", { name: c.title || c.name })}
            <StateTag state={c.state} testId="approval-state" />
          </Space>
        }
        sub={<a href={href(["approvals"])}>← {t("outreach.approval.back")}</a>}
        extra={<a href={href(["campaigns", c.id])}>{t("outreach.editor.toCampaign")}</a>}
      />
      {c.state !== "pending_approval" && <Alert type="info" showIcon title={t("outreach.approval.notPending")} style={{ marginBottom: 12 }} />}
      <Panel title={t("outreach.detail.definition")}>
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label={t("outreach.editor.stepAudience")} span={2}>
            <code>{audienceExpr || "—"}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t("outreach.campaign.channel")}>{c.channel}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.campaign.theme")}>{c.theme ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.campaign.class")}>{t(c.class === "transactional" ? "outreach.class.transactional" : "outreach.class.marketing")}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.editor.schedule")}>{c.schedule?.at ? timeText(c.schedule.at) : t("outreach.editor.onApproval")}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.approval.submittedBy")}>{submitter ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("outreach.editor.goal")}>{c.goal?.event ? t("outreach.editor.goalText", { event: c.goal.event, days: c.goal.window_days }) : "—"}</Descriptions.Item>
        </Descriptions>
      </Panel>
      <div className="grid2">
        <Panel title={t("outreach.approval.funnel")} testId="approval-funnel" actions={<Button size="small" onClick={estimate.reload}>{t("common.refresh")}</Button>}>
          <div className="muted small" style={{ marginBottom: 8 }}>
            {t("outreach.approval.funnelHint")}
          </div>
          <ErrorAlert error={estimate.error} />
          {estimate.loading && !estimate.data ? <div className="state loading">{t("common.loading")}</div> : estimate.data && <FunnelChart funnel={estimate.data} testId="approval-funnel-view" />}
        </Panel>
        <Panel title={t("outreach.preview.title")} testId="approval-preview">
          <ErrorAlert error={previews.error} />
          {previews.loading && !previews.data ? <div className="state loading">{t("common.loading")}</div> : <PreviewList previews={previews.data ?? []} testId="approval-previews" />}
        </Panel>
      </div>
      <Metrics expr={audienceExpr} />
      <Panel title={t("outreach.approval.decision")} testId="approval-decision">
        {own && <Alert type="warning" showIcon title={t("outreach.approval.ownCampaign")} style={{ marginBottom: 12 }} data-testid="approval-own" />}
        <ErrorAlert error={actError} testId="approval-error" />
        <Input.TextArea value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t("outreach.approval.comment")} autoSize={{ minRows: 2 }} style={{ marginBottom: 12 }} data-testid="approval-comment" />
        <Space>
          <Button type="primary" loading={busy === "approve"} disabled={c.state !== "pending_approval"} onClick={() => decide("approve")} data-testid="approval-approve">
            {t("outreach.action.approve")}
          </Button>
          <Button danger loading={busy === "reject"} disabled={c.state !== "pending_approval" || !comment.trim()} onClick={() => decide("reject")} data-testid="approval-reject">
            {t("outreach.action.reject")}
          </Button>
          {!comment.trim() && <span className="muted small">{t("outreach.approval.reasonRequired")}</span>}
        </Space>
      </Panel>
    </div>
  );
}

// The audience's recent business metrics from a SQL source; the query is
// remembered in this browser for the next approval.
function Metrics({ expr }: { expr: string }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState<SavedMetrics>(loadSaved);
  const [open, setOpen] = useState(!!loadSaved().query);
  const sources = useAsync((signal) => (open ? listSources<{ sources: { name: string; kind?: string }[] }>(signal).then((r) => r.sources ?? []) : Promise.resolve([])), [open]);
  const [result, setResult] = useState<{ columns?: string[]; rows?: unknown[][]; truncated?: boolean }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!saved.source && sources.data?.length) setSaved((s) => ({ ...s, source: sources.data![0].name }));
  }, [sources.data, saved.source]);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    localStorage.setItem(metricsKey, JSON.stringify(saved));
    try {
      setResult(await segmentMetrics<{ columns?: string[]; rows?: unknown[][]; truncated?: boolean }>({ expr, source: saved.source, query: saved.query, max_rows: 50 }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel
      title={t("outreach.approval.metrics")}
      testId="approval-metrics"
      actions={
        !open && (
          <Button size="small" onClick={() => setOpen(true)} data-testid="approval-metrics-open">
            {t("outreach.approval.metricsOpen")}
          </Button>
        )
      }
    >
      {!open ? (
        <div className="muted small">{t("outreach.approval.metricsHint")}</div>
      ) : (
        <>
          <Space wrap style={{ marginBottom: 8 }}>
            <Select
              value={saved.source || undefined}
              onChange={(v: string) => setSaved({ ...saved, source: v })}
              options={(sources.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
              loading={sources.loading}
              placeholder={t("outreach.approval.metricsSource")}
              style={{ width: 200 }}
            />
            <Button type="primary" onClick={run} loading={busy} disabled={!saved.source || !saved.query.includes("{{segment}}") || !expr} data-testid="approval-metrics-run">
              {t("outreach.approval.metricsRun")}
            </Button>
          </Space>
          <Input.TextArea
            className="mono"
            value={saved.query}
            onChange={(e) => setSaved({ ...saved, query: e.target.value })}
            autoSize={{ minRows: 3, maxRows: 10 }}
            placeholder="SELECT count(*) AS orders, sum(amount) AS revenue FROM orders o JOIN {{segment}} s ON s.user_id = o.member_id WHERE o.paid_at >= '{{biz_date-30}}'"
            data-testid="approval-metrics-query"
          />
          <div className="muted small">{t("outreach.approval.metricsQueryHint")}</div>
          <ErrorAlert error={sources.error ?? error} />
          {result && (
            <table className="data compact" style={{ marginTop: 8 }} data-testid="approval-metrics-result">
              <thead>
                <tr>
                  {(result.columns ?? []).map((col) => (
                    <th key={col}>{col}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {(result.rows ?? []).map((row, i) => (
                  <tr key={i}>
                    {row.map((v, j) => (
                      <td key={j} className={typeof v === "number" ? "num" : ""}>
                        {v === null ? "—" : String(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Panel>
  );
}
