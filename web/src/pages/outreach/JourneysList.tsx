// 旅程列表 (#/journeys; analyst): every journey with its state, how users
// enter (schedule or event) and its totals (inside now, entered,
// converted) from each journey's live counts; "new journey" for operators.
import Table from "antd/es/table";
import type { ColumnsType } from "antd/es/table";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Tag from "antd/es/tag";
import { href } from "../../app/router";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { ApiError } from "../../api/client";
import { useAsync } from "../../components/useAsync";
import { toMs, type CampaignSummary } from "../../api/outreach";
import { getJourney, getJourneyLive, listJourneys, type JourneyEntry, type JourneyLive, type JourneyTotals } from "../../api/journeys";
import { ErrorAlert, PageHead, StateTag, useTimeText } from "./common";

// A row: the journey's record (its definition) with its totals under `journey`.
type Row = CampaignSummary & { entry?: JourneyEntry; journey?: JourneyTotals; live?: JourneyLive | null };
// The record's times come as milliseconds (`updated_ms`); `updated_at` is the summaries' older name.
const updated = (r: Row) => r.updated_ms ?? toMs(r.updated_at);

// The totals come with each row; a row without them (or without its entry)
// is completed from the journey's own routes. A draft has no live state yet;
// a journey whose counts cannot be read shows dashes.
async function withLive(rows: Row[], signal: AbortSignal): Promise<Row[]> {
  return Promise.all(
    rows.map(async (r) => {
      if (r.journey && r.entry) return r;
      // The list's summary may not carry the entry: the record does.
      const entry = r.entry ?? (await getJourney(r.id, signal)).entry;
      if (r.state === "draft") return { ...r, entry, live: null };
      try {
        return { ...r, entry, live: await getJourneyLive(r.id, signal) };
      } catch (e) {
        if (e instanceof ApiError) return { ...r, entry, live: null };
        throw e;
      }
    }),
  );
}

export default function JourneysList() {
  const { t, num } = useI18n();
  const session = useSession();
  const timeText = useTimeText();
  const list = useAsync((signal) => listJourneys(signal).then((rows) => withLive(rows, signal)), []);

  const total = (r: Row, k: keyof JourneyTotals) => {
    const v = r.journey?.[k] ?? r.live?.totals?.[k];
    return v === undefined ? <span className="muted">—</span> : <span data-testid={`journeys-${k}-${r.name}`}>{num(v)}</span>;
  };
  const entryKind = (r: Row) => r.live?.entry?.kind ?? (r.entry?.schedule !== undefined ? "schedule" : r.entry?.event !== undefined ? "event" : undefined);
  const columns: ColumnsType<Row> = [
    {
      title: t("outreach.journeys.name"),
      key: "name",
      render: (_, r) => (
        <a href={href(["journeys", r.id])} data-testid={"journey-link-" + r.name}>
          <div>{r.title || r.name}</div>
          {r.title && <div className="muted small mono">{r.name}</div>}
        </a>
      ),
    },
    { title: t("common.status"), key: "state", render: (_, r) => <StateTag state={r.state} testId={"journey-state-" + r.name} /> },
    {
      title: t("outreach.journey.entry"),
      key: "entry",
      render: (_, r) => {
        const kind = entryKind(r);
        if (!kind) return <span className="muted">—</span>;
        const detail = r.entry?.schedule ?? r.entry?.event;
        return (
          <Space size={4}>
            <Tag color={kind === "schedule" ? "cyan" : "purple"}>{t(kind === "schedule" ? "outreach.journey.entryKind.schedule" : "outreach.journey.entryKind.event")}</Tag>
            {detail && <span className="mono small">{detail}</span>}
          </Space>
        );
      },
    },
    { title: t("outreach.journey.total.inside"), key: "inside", align: "right", render: (_, r) => total(r, "inside") },
    { title: t("outreach.journey.total.entered"), key: "entered", align: "right", render: (_, r) => total(r, "entered") },
    { title: t("outreach.journey.total.converted"), key: "converted", align: "right", render: (_, r) => total(r, "converted") },
    {
      title: t("common.updated"),
      key: "updated",
      defaultSortOrder: "descend",
      sorter: (a, b) => (updated(a) ?? 0) - (updated(b) ?? 0),
      render: (_, r) => <span className="small">{timeText(updated(r))}</span>,
    },
  ];

  return (
    <div data-testid="journeys-page">
      <PageHead
        title={t("outreach.journeys.title")}
        sub={t("outreach.journeys.sub")}
        extra={
          <Space>
            <Button onClick={list.reload}>{t("common.refresh")}</Button>
            {session.can("operator") && (
              <Button type="primary" href={href(["journeys", "new"])} data-testid="journey-new">
                {t("outreach.journeys.new")}
              </Button>
            )}
          </Space>
        }
      />
      <ErrorAlert error={list.error} />
      <Table<Row>
        rowKey="id"
        size="middle"
        loading={list.loading}
        columns={columns}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("outreach.journeys.empty") }}
        data-testid="journeys-table"
      />
    </div>
  );
}
