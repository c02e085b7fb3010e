// What the outreach pages share: the Ant Design scope (locale following the
// app's language switch, the shell's brand colour), state tags, times,
// server errors in the UI's language, the funnel chart and the content
// preview. Ant Design is imported component by component and only from
// pages/outreach, so it lives in the outreach chunks, never in the shell's.
import { useEffect, useMemo, type ReactNode } from "react";
import ConfigProvider from "antd/es/config-provider";
import AntApp from "antd/es/app";
import Tag from "antd/es/tag";
import Alert from "antd/es/alert";
import Modal from "antd/es/modal";
import type { ButtonProps } from "antd/es/button";
import Input from "antd/es/input";
import zhCN from "antd/es/locale/zh_CN";
import enUS from "antd/es/locale/en_US";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useI18n, type Lang, type MessageKey } from "../../i18n";
import { localizeServerError } from "../../i18n/serverMessages";
import { Chart, type ChartOption } from "../../components/Chart";
import { suppressionReasons, toMs, type Funnel, type Preview } from "../../api/outreach";

// Ant Design in the app's language and colours; `AntApp` gives message and
// modal hooks (App.useApp) that follow the same locale.
export function AntdScope({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  useEffect(() => {
    dayjs.locale(lang === "en" ? "en" : "zh-cn");
  }, [lang]);
  return (
    <ConfigProvider
      locale={lang === "en" ? enUS : zhCN}
      theme={{ token: { colorPrimary: "#3370ff", borderRadius: 6, fontFamily: "inherit", fontSize: 14 } }}
      button={{ autoInsertSpace: false }}
    >
      <AntApp component={false}>
        <div className="outreach">{children}</div>
      </AntApp>
    </ConfigProvider>
  );
}

// State colours: grey draft, orange waiting, blue moving, green done, red stopped.
const stateColor: Record<string, string> = {
  draft: "default",
  pending_approval: "orange",
  rejected: "red",
  scheduled: "cyan",
  running: "processing",
  paused: "gold",
  done: "green",
  cancelled: "default",
};

export function stateLabel(t: (k: MessageKey) => string, state: string): string {
  const key = ("outreach.state." + state) as MessageKey;
  const text = t(key);
  return text === key ? state : text;
}

export function StateTag({ state, testId }: { state: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <Tag color={stateColor[state] ?? "default"} data-testid={testId} data-state={state}>
      {stateLabel(t, state)}
    </Tag>
  );
}

export function reasonLabel(t: (k: MessageKey) => string, reason: string): string {
  const key = ("outreach.reason." + reason) as MessageKey;
  const text = t(key);
  return text === key ? reason : text;
}

// A time from the API in the UI's language, "—" when absent.
export function useTimeText(): (v: string | number | undefined | null) => string {
  const { time } = useI18n();
  return (v) => {
    const ms = toMs(v);
    return ms === undefined ? "—" : time(ms);
  };
}

// A server error in the UI's language (the reason's translation), else its own message.
export function errorText(lang: Lang, e: unknown): string {
  return localizeServerError(lang, e) ?? (e instanceof Error ? e.message : String(e));
}

// An error as an Ant Design alert with the server's original message under the translation.
export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  const { lang, t } = useI18n();
  if (error === undefined || error === null) return null;
  const original = error instanceof Error ? error.message : String(error);
  const local = localizeServerError(lang, error);
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testId}
      role="alert"
      title={t("common.error", { message: local ?? original })}
      description={local ? <span className="muted small server-message">{original}</span> : undefined}
      style={{ marginBottom: 12 }}
    />
  );
}

// The funnel as horizontal bars: audience, control, each suppression reason,
// planned, then sent / failed / pending when the dispatch has begun.
export function FunnelChart({ funnel, testId, height }: { funnel: Funnel; testId?: string; height?: number }) {
  const { t, num } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const rows: { name: string; value: number; color: string }[] = [];
    rows.push({ name: t("outreach.funnel.audience"), value: funnel.audience ?? 0, color: "#3370ff" });
    rows.push({ name: t("outreach.funnel.control"), value: funnel.control ?? 0, color: "#8f959e" });
    const sup = funnel.suppressed ?? {};
    const order = [...suppressionReasons.filter((r) => r in sup), ...Object.keys(sup).filter((r) => !(suppressionReasons as readonly string[]).includes(r))];
    for (const r of order) rows.push({ name: t("outreach.funnel.suppressedBy", { reason: reasonLabel(t, r) }), value: sup[r] ?? 0, color: "#f5a623" });
    rows.push({ name: t("outreach.funnel.planned"), value: funnel.planned ?? 0, color: "#3370ff" });
    if (funnel.sent !== undefined) rows.push({ name: t("outreach.funnel.sent"), value: funnel.sent ?? 0, color: "#34a853" });
    if (funnel.failed !== undefined) rows.push({ name: t("outreach.funnel.failed"), value: funnel.failed ?? 0, color: "#d83931" });
    if (funnel.pending !== undefined) rows.push({ name: t("outreach.funnel.pending"), value: funnel.pending ?? 0, color: "#a0a7b4" });
    const reversed = [...rows].reverse();
    return {
      grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: { type: "category", data: reversed.map((r) => r.name) },
      series: [
        {
          type: "bar",
          barMaxWidth: 22,
          data: reversed.map((r) => ({ value: r.value, itemStyle: { color: r.color } })),
          label: { show: true, position: "right", formatter: (p: { value: number }) => num(p.value) },
        },
      ],
    };
  }, [funnel, t, num]);
  const rowsCount = 4 + Object.keys(funnel.suppressed ?? {}).length + (funnel.sent !== undefined ? 3 : 0);
  return (
    <div data-testid={testId}>
      <Chart option={option} height={height ?? Math.max(160, rowsCount * 34)} testId={testId ? testId + "-chart" : undefined} />
      <table className="data compact" data-testid={testId ? testId + "-table" : undefined}>
        <tbody>
          <tr>
            <td>{t("outreach.funnel.audience")}</td>
            <td className="num" data-testid={testId ? testId + "-audience" : undefined}>{num(funnel.audience ?? 0)}</td>
          </tr>
          <tr>
            <td>{t("outreach.funnel.control")}</td>
            <td className="num">{num(funnel.control ?? 0)}</td>
          </tr>
          {Object.entries(funnel.suppressed ?? {}).map(([r, n]) => (
            <tr key={r}>
              <td>{t("outreach.funnel.suppressedBy", { reason: reasonLabel(t, r) })}</td>
              <td className="num" data-testid={testId ? `${testId}-suppressed-${r}` : undefined}>{num(n)}</td>
            </tr>
          ))}
          <tr>
            <td>
              <b>{t("outreach.funnel.planned")}</b>
            </td>
            <td className="num" data-testid={testId ? testId + "-planned" : undefined}>
              <b>{num(funnel.planned ?? 0)}</b>
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

// The rendered content of sample users: one block per user, the JSON pretty-printed.
export function PreviewList({ previews, testId }: { previews: Preview[]; testId?: string }) {
  const { t } = useI18n();
  if (previews.length === 0) return <div className="muted">{t("outreach.preview.none")}</div>;
  return (
    <div className="outreach-previews" data-testid={testId}>
      {previews.map((p) => (
        <div key={p.user_id} className="outreach-preview" data-testid={testId ? `${testId}-user` : undefined}>
          <div className="field-label">{t("outreach.preview.user", { user: p.user_id })}</div>
          {p.error ? <div className="field-error">{p.error}</div> : <pre className="mono">{JSON.stringify(p.content, null, 2)}</pre>}
        </div>
      ))}
    </div>
  );
}

// A page heading with actions on the right (the shell's h2 style).
export function PageHead({ title, extra, sub }: { title: ReactNode; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div className="outreach-head">
      <div>
        <h2>{title}</h2>
        {sub && <div className="muted">{sub}</div>}
      </div>
      <div className="outreach-head-extra">{extra}</div>
    </div>
  );
}

// The confirmation of a lifecycle move (submit, approve, reject, pause,
// resume, cancel) with its comment; a rejection needs a reason. Campaign and
// journey pages share it; `testId` prefixes the OK button's and the comment's.
export function ActionDialog(props: {
  action: string | null;
  label: string;
  busy: boolean;
  comment: string;
  onComment: (v: string) => void;
  onOk: () => void;
  onCancel: () => void;
  cancelWarning: string;
  testId: string;
}) {
  const { t } = useI18n();
  const { action, comment } = props;
  return (
    <Modal
      open={action !== null}
      title={action ? t("outreach.detail.confirm", { action: props.label }) : ""}
      onCancel={props.onCancel}
      onOk={() => action && props.onOk()}
      okButtonProps={{
        loading: props.busy,
        danger: action === "cancel" || action === "reject",
        disabled: action === "reject" && !comment.trim(),
        "data-testid": `${props.testId}-ok`,
      } as ButtonProps}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      destroyOnHidden
    >
      {action === "cancel" && <p>{props.cancelWarning}</p>}
      <Input.TextArea
        value={comment}
        onChange={(e) => props.onComment(e.target.value)}
        placeholder={action === "reject" ? t("outreach.approval.reasonRequired") : t("outreach.approval.comment")}
        autoSize={{ minRows: 2 }}
        data-testid={`${props.testId}-comment`}
      />
    </Modal>
  );
}
