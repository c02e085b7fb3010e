// 活动列表 (#/campaigns?state=&theme=): every campaign with its state,
// theme, channel, funnel sizes and times; filters by state and theme; "new
// campaign" for operators.
import { useMemo } from "react";
import Table from "antd/es/table";
import type { ColumnsType } from "antd/es/table";
import Select from "antd/es/select";
import Button from "antd/es/button";
import Input from "antd/es/input";
import Space from "antd/es/space";
import type { Route } from "../../app/router";
import { href, navigate } from "../../app/router";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { campaignStates, listCampaigns, summarySizes, toMs, type CampaignSummary } from "../../api/outreach";
import { ErrorAlert, PageHead, StateTag, stateLabel, useTimeText } from "./common";

export default function CampaignsList({ route }: { route: Route }) {
  const { t, num } = useI18n();
  const session = useSession();
  const timeText = useTimeText();
  const state = route.query.get("state") ?? "";
  const theme = route.query.get("theme") ?? "";
  const list = useAsync((signal) => listCampaigns({ state: state || undefined, theme: theme || undefined, kind: "campaign" }, signal), [state, theme]);
  // Themes seen in the answer (with the filter's own, so it stays selectable).
  const themes = useMemo(() => {
    const s = new Set<string>();
    for (const c of list.data ?? []) if (c.theme) s.add(c.theme);
    if (theme) s.add(theme);
    return [...s].sort();
  }, [list.data, theme]);
  const setFilter = (k: "state" | "theme", v: string | undefined) =>
    navigate(["campaigns"], { state: k === "state" ? v : state || undefined, theme: k === "theme" ? v : theme || undefined });

  const numCell = (v: number | undefined) => (v === undefined || v === null ? <span className="muted">—</span> : num(v));
  const columns: ColumnsType<CampaignSummary> = [
    {
      title: t("outreach.campaign.name"),
      key: "name",
      render: (_, c) => (
        <a href={href(["campaigns", c.id])} data-testid={"campaign-link-" + c.name}>
          <div>{c.title || c.name}</div>
          {c.title && <div className="muted small mono">{c.name}</div>}
        </a>
      ),
    },
    { title: t("common.status"), key: "state", render: (_, c) => <StateTag state={c.state} testId={"campaign-state-" + c.name} /> },
    { title: t("outreach.campaign.theme"), dataIndex: "theme", key: "theme", render: (v?: string) => v || <span className="muted">—</span> },
    { title: t("outreach.campaign.channel"), dataIndex: "channel", key: "channel", render: (v?: string) => <span className="mono">{v ?? "—"}</span> },
    { title: t("outreach.funnel.audience"), key: "audience", align: "right", render: (_, c) => numCell(summarySizes(c).audience) },
    { title: t("outreach.funnel.planned"), key: "planned", align: "right", render: (_, c) => numCell(summarySizes(c).planned) },
    { title: t("outreach.funnel.sent"), key: "sent", align: "right", render: (_, c) => numCell(summarySizes(c).sent) },
    {
      title: t("outreach.campaign.created"),
      key: "created",
      sorter: (a, b) => (a.created_ms ?? toMs(a.created_at) ?? 0) - (b.created_ms ?? toMs(b.created_at) ?? 0),
      render: (_, c) => (
        <span className="small">
          {timeText(c.created_ms ?? c.created_at)}
          {c.created_by && <div className="muted">{c.created_by}</div>}
        </span>
      ),
    },
    {
      title: t("common.updated"),
      key: "updated",
      defaultSortOrder: "descend",
      sorter: (a, b) => (a.updated_ms ?? toMs(a.updated_at) ?? 0) - (b.updated_ms ?? toMs(b.updated_at) ?? 0),
      render: (_, c) => <span className="small">{timeText(c.updated_ms ?? c.updated_at)}</span>,
    },
  ];

  return (
    <div data-testid="campaigns-page">
      <PageHead
        title={t("outreach.campaigns.title")}
        sub={t("outreach.campaigns.sub")}
        extra={
          session.can("operator") && (
            <Button type="primary" href={href(["campaigns", "new"])} data-testid="campaign-new">
              {t("outreach.campaigns.new")}
            </Button>
          )
        }
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t("outreach.campaigns.filterState")}
          value={state || undefined}
          onChange={(v?: string) => setFilter("state", v)}
          options={campaignStates.map((s) => ({ value: s, label: stateLabel(t, s) }))}
          data-testid="campaigns-filter-state"
        />
        <Select
          allowClear
          showSearch
          style={{ minWidth: 160 }}
          placeholder={t("outreach.campaigns.filterTheme")}
          value={theme || undefined}
          onChange={(v?: string) => setFilter("theme", v)}
          options={themes.map((s) => ({ value: s, label: s }))}
          data-testid="campaigns-filter-theme"
          notFoundContent={t("common.empty")}
        />
        <Input.Search
          allowClear
          placeholder={t("outreach.campaigns.themeFree")}
          defaultValue={theme}
          onSearch={(v) => setFilter("theme", v.trim() || undefined)}
          style={{ width: 200 }}
        />
        <Button onClick={list.reload}>{t("common.refresh")}</Button>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<CampaignSummary>
        rowKey="id"
        size="middle"
        loading={list.loading}
        columns={columns}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("outreach.campaigns.empty") }}
        data-testid="campaigns-table"
      />
    </div>
  );
}
