// The journey page's tabs and drawer besides the canvas: the test run (one
// user through the current version with simulated events, the trace as a
// timeline), the users waiting at each step (paged by cursor), the versions
// with the admins' migration (a dry run first, then for real) and the
// state history.
import { useState } from "react";
import Drawer from "antd/es/drawer";
import Form from "antd/es/form";
import Input from "antd/es/input";
import Select from "antd/es/select";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Timeline from "antd/es/timeline";
import Table from "antd/es/table";
import type { ColumnsType } from "antd/es/table";
import Tag from "antd/es/tag";
import Modal from "antd/es/modal";
import Descriptions from "antd/es/descriptions";
import Statistic from "antd/es/statistic";
import AntApp from "antd/es/app";
import { useI18n, type MessageKey } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import type { Transition } from "../../api/outreach";
import {
  durationPattern,
  listWaitingUsers,
  migrateJourney,
  testJourney,
  type JourneyDefinition,
  type JourneyLive,
  type MigrateResult,
  type TestEvent,
  type TestResult,
  type WaitingUser,
} from "../../api/journeys";
import { ErrorAlert, errorText, stateLabel, useTimeText } from "./common";
import type { EventTypeOption } from "./JourneyForms";

const label = (t: (k: MessageKey) => string, prefix: string, v: string) => {
  const k = (prefix + v) as MessageKey;
  const text = t(k);
  return text === k ? v : text;
};

// ---- test run --------------------------------------------------------------

export function TestDrawer({
  id,
  open,
  onClose,
  eventTypes,
  onTrace,
}: {
  id: string;
  open: boolean;
  onClose: () => void;
  eventTypes: EventTypeOption[] | undefined;
  onTrace: (steps: string[] | undefined) => void;
}) {
  const { t } = useI18n();
  const timeText = useTimeText();
  const [user, setUser] = useState("");
  const [events, setEvents] = useState<TestEvent[]>([]);
  const [horizon, setHorizon] = useState("30d");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<TestResult>();
  const badEvent = events.some((e) => !e.type || !durationPattern.test(e.after));
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await testJourney(id, { user_id: user.trim(), events: events.length ? events : undefined, horizon: horizon.trim() || undefined });
      setResult(r);
      onTrace(r.trace.map((x) => x.step));
    } catch (e) {
      setError(e);
      setResult(undefined);
      onTrace(undefined);
    } finally {
      setBusy(false);
    }
  };
  const setEvent = (i: number, patch: Partial<TestEvent>) => setEvents(events.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  return (
    <Drawer title={t("outreach.journey.test.title")} open={open} onClose={onClose} size={520} mask={false} data-testid="journey-test-drawer">
      <Form layout="vertical" component="div" size="small">
        <Form.Item label={t("outreach.journey.test.user")} required>
          <Input value={user} onChange={(e) => setUser(e.target.value)} placeholder="u000123" className="mono" data-testid="journey-test-user" />
        </Form.Item>
        <Form.Item label={t("outreach.journey.test.events")} help={t("outreach.journey.test.eventsHint")}>
          {events.map((e, i) => (
            <Space.Compact key={i} block style={{ marginBottom: 6 }}>
              <Select
                showSearch
                value={e.type || undefined}
                onChange={(v: string) => setEvent(i, { type: v })}
                options={(eventTypes ?? []).map((x) => ({ value: x.name, label: x.name }))}
                placeholder={t("outreach.journey.form.pickEvent")}
                style={{ width: "55%" }}
                data-testid={`journey-test-event-${i}-type`}
              />
              <Input
                value={e.after}
                onChange={(ev) => setEvent(i, { after: ev.target.value.trim() })}
                prefix={t("outreach.journey.test.after")}
                status={e.after && !durationPattern.test(e.after) ? "error" : undefined}
                style={{ width: "30%" }}
                data-testid={`journey-test-event-${i}-after`}
              />
              <Button onClick={() => setEvents(events.filter((_, j) => j !== i))} style={{ width: "15%" }}>
                {t("common.delete")}
              </Button>
            </Space.Compact>
          ))}
          <Button size="small" onClick={() => setEvents([...events, { type: "", after: "1h" }])} data-testid="journey-test-event-add">
            {t("outreach.journey.test.addEvent")}
          </Button>
        </Form.Item>
        <Form.Item label={t("outreach.journey.test.horizon")} validateStatus={horizon && !durationPattern.test(horizon) ? "error" : undefined} help={t("outreach.journey.form.durationHint")}>
          <Input value={horizon} onChange={(e) => setHorizon(e.target.value.trim())} style={{ width: 120 }} data-testid="journey-test-horizon" />
        </Form.Item>
        <Space>
          <Button type="primary" onClick={run} loading={busy} disabled={!user.trim() || badEvent || (!!horizon && !durationPattern.test(horizon))} data-testid="journey-test-run">
            {t("outreach.journey.test.run")}
          </Button>
          {result && (
            <Button
              onClick={() => {
                setResult(undefined);
                onTrace(undefined);
              }}
            >
              {t("outreach.journey.test.clear")}
            </Button>
          )}
        </Space>
      </Form>
      <div style={{ marginTop: 16 }}>
        <ErrorAlert error={error} testId="journey-test-error" />
        {result && (
          <div data-testid="journey-test-result">
            <div style={{ marginBottom: 12 }}>
              <span className="field-label">{t("outreach.journey.test.outcome")}</span>{" "}
              <Tag color="blue" data-testid="journey-test-outcome" data-value={result.outcome}>
                {label(t, "outreach.journey.outcome.", result.outcome)}
              </Tag>
            </div>
            <Timeline
              items={result.trace.map((x, i) => ({
                key: i,
                color: x.type === "send" ? "blue" : x.type === "exit" ? "red" : x.type === "entry" ? "green" : "gray",
                title: timeText(x.at),
                content: (
                  <div data-testid={"journey-test-trace-" + i} data-step={x.step}>
                    <b className="mono">{x.step}</b> <span className="muted small">{label(t, "outreach.journey.type.", x.type)}</span>
                    <div>{x.decision}</div>
                    {x.detail && <div className="small muted">{x.detail}</div>}
                    {x.content && <pre className="mono outreach-pre">{JSON.stringify(x.content, null, 2)}</pre>}
                  </div>
                ),
              }))}
            />
            {result.trace.length === 0 && <div className="muted">{t("outreach.journey.test.noTrace")}</div>}
          </div>
        )}
        {!result && !error && <div className="muted small">{t("outreach.journey.test.hint")}</div>}
      </div>
    </Drawer>
  );
}

// ---- users waiting ---------------------------------------------------------

export function WaitingUsers({ id, def, step, onStep, version }: { id: string; def: JourneyDefinition; step?: string; onStep: (s: string | undefined) => void; version: number }) {
  const { t, num } = useI18n();
  const timeText = useTimeText();
  // The cursors of the pages seen so far: [undefined, c1, c2, ...].
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [limit] = useState(50);
  const rows = useAsync((signal) => listWaitingUsers(id, { step, limit, cursor: cursors[page] }, signal), [id, step, page, version]);
  const pick = (s: string | undefined) => {
    setCursors([undefined]);
    setPage(0);
    onStep(s);
  };
  const next = rows.data?.next_cursor ?? undefined;
  const columns: ColumnsType<WaitingUser> = [
    { title: t("outreach.detail.user"), dataIndex: "user_id", key: "user", render: (v: string) => <span className="mono">{v}</span> },
    { title: t("outreach.journey.users.step"), dataIndex: "step", key: "step", render: (v: string) => <span className="mono">{v}</span> },
    { title: t("outreach.journey.users.version"), dataIndex: "version", key: "version", align: "right" },
    { title: t("outreach.journey.users.occurrence"), dataIndex: "occurrence", key: "occurrence", align: "right" },
    { title: t("outreach.journey.users.since"), dataIndex: "since", key: "since", render: (v: string | null) => <span className="small">{timeText(v)}</span> },
    { title: t("outreach.journey.users.until"), dataIndex: "until", key: "until", render: (v?: string | null) => <span className="small">{timeText(v)}</span> },
    { title: t("outreach.journey.users.why"), dataIndex: "why", key: "why", render: (v: string) => <span className="small">{v}</span> },
  ];
  return (
    <div data-testid="journey-users">
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          value={step}
          onChange={(v?: string) => pick(v)}
          placeholder={t("outreach.journey.users.allSteps")}
          options={def.steps.map((s) => ({ value: s.name, label: s.name }))}
          style={{ width: 200 }}
          data-testid="journey-users-step"
        />
        <Button onClick={rows.reload} data-testid="journey-users-refresh">
          {t("common.refresh")}
        </Button>
      </Space>
      <ErrorAlert error={rows.error} />
      <Table<WaitingUser>
        size="small"
        rowKey={(u) => `${u.user_id}:${u.occurrence}`}
        loading={rows.loading}
        columns={columns}
        dataSource={rows.data?.users ?? []}
        pagination={false}
        locale={{ emptyText: t("outreach.journey.users.empty") }}
        data-testid="journey-users-table"
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={page === 0} onClick={() => setPage(page - 1)} data-testid="journey-users-prev">
          {t("outreach.journey.users.prev")}
        </Button>
        <span className="muted small">{t("outreach.journey.users.page", { n: num(page + 1) })}</span>
        <Button
          disabled={!next}
          onClick={() => {
            setCursors((c) => [...c.slice(0, page + 1), next]);
            setPage(page + 1);
          }}
          data-testid="journey-users-next"
        >
          {t("outreach.journey.users.next")}
        </Button>
      </Space>
    </div>
  );
}

// ---- versions and migration ------------------------------------------------

export function Versions({ id, live, isAdmin, onMigrated }: { id: string; live?: JourneyLive; isAdmin: boolean; onMigrated: () => void }) {
  const { t, lang, num } = useI18n();
  const { message } = AntApp.useApp();
  const [from, setFrom] = useState<number>();
  const [dry, setDry] = useState<MigrateResult>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const current = live?.version;
  const open = async (v: number) => {
    setFrom(v);
    setDry(undefined);
    setError(undefined);
    setBusy(true);
    try {
      setDry(await migrateJourney(id, { from_version: v, dry_run: true }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const migrate = async () => {
    if (from === undefined) return;
    setBusy(true);
    try {
      const r = await migrateJourney(id, { from_version: from });
      message.success(t("outreach.journey.versions.migrated", { n: num(r.moved ?? 0) }));
      setFrom(undefined);
      onMigrated();
    } catch (e) {
      setError(e);
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };
  const rows = live?.versions ?? [];
  return (
    <div data-testid="journey-versions">
      <Statistic title={t("outreach.journey.versions.current")} value={current ?? "—"} />
      <Table<{ version: number; inside: number }>
        size="small"
        rowKey="version"
        style={{ marginTop: 12 }}
        dataSource={rows}
        pagination={false}
        columns={[
          {
            title: t("outreach.journey.users.version"),
            dataIndex: "version",
            key: "v",
            render: (v: number) => (
              <span data-testid={"journey-version-" + v}>
                v{v} {v === current && <Tag color="blue">{t("outreach.journey.versions.currentTag")}</Tag>}
              </span>
            ),
          },
          { title: t("outreach.journey.count.inside"), dataIndex: "inside", key: "inside", align: "right", render: (v: number) => num(v ?? 0) },
          {
            title: t("common.actions"),
            key: "act",
            render: (_, r) =>
              isAdmin && r.version !== current ? (
                <Button size="small" onClick={() => open(r.version)} data-testid={"journey-migrate-" + r.version}>
                  {t("outreach.journey.versions.migrate", { v: r.version })}
                </Button>
              ) : null,
          },
        ]}
        locale={{ emptyText: t("outreach.journey.versions.none") }}
      />
      <Modal
        open={from !== undefined}
        title={t("outreach.journey.versions.migrateTitle", { from: from ?? 0, to: current ?? 0 })}
        onCancel={() => setFrom(undefined)}
        onOk={migrate}
        okText={t("outreach.journey.versions.migrateNow")}
        cancelText={t("common.cancel")}
        okButtonProps={{ loading: busy, disabled: !dry, "data-testid": "journey-migrate-ok" }}
        destroyOnHidden
      >
        <ErrorAlert error={error} />
        {busy && !dry && <div className="muted">{t("common.loading")}</div>}
        {dry && (
          <div data-testid="journey-migrate-dry">
            <p className="muted small">{t("outreach.journey.versions.dryHint")}</p>
            <Descriptions size="small" bordered column={1} title={t("outreach.journey.versions.moves")}>
              {dry.moves.map((m) => (
                <Descriptions.Item key={m.step} label={<span className="mono">{m.step}</span>}>
                  {t("common.users", { n: num(m.users) })}
                </Descriptions.Item>
              ))}
            </Descriptions>
            {dry.moves.length === 0 && <div className="muted">{t("common.empty")}</div>}
            <Descriptions size="small" bordered column={1} title={t("outreach.journey.versions.stay")} style={{ marginTop: 12 }}>
              {dry.stay.map((m) => (
                <Descriptions.Item key={m.step} label={<span className="mono">{m.step}</span>}>
                  {t("common.users", { n: num(m.users) })}
                </Descriptions.Item>
              ))}
            </Descriptions>
            {dry.stay.length === 0 && <div className="muted">{t("common.empty")}</div>}
          </div>
        )}
      </Modal>
    </div>
  );
}

// ---- history -----------------------------------------------------------------

export function History({ transitions }: { transitions: Transition[] }) {
  const { t } = useI18n();
  const timeText = useTimeText();
  if (!transitions.length) return <div className="muted">{t("outreach.detail.noHistory")}</div>;
  return (
    <Timeline
      items={transitions.map((tr, i) => ({
        key: i,
        color: tr.to === "rejected" || tr.to === "cancelled" ? "red" : "blue",
        title: timeText(tr.at_ms ?? tr.at),
        content: (
          <div data-testid={"journey-transition-" + i}>
            <b>{stateLabel(t, tr.to)}</b> <span className="muted">← {stateLabel(t, tr.from)}</span>
            <div className="small">{t("outreach.detail.by", { who: tr.by })}</div>
            {tr.comment && <div className="small outreach-comment">“{tr.comment}”</div>}
          </div>
        ),
      }))}
    />
  );
}
