// 触达策略 (#/outreach-policy; operators read, admins edit): who is never
// touched (blacklist, opt-outs per channel), how often (caps), when (quiet
// hours), who skips caps (exempt), the global control group, theme dedup
// and recency. Every expression is counted live so the admin sees whom it
// removes. PUT /outreach/policy stores a new version.
import { useEffect, useState } from "react";
import Form from "antd/es/form";
import Input from "antd/es/input";
import InputNumber from "antd/es/input-number";
import Select from "antd/es/select";
import Switch from "antd/es/switch";
import TimePicker from "antd/es/time-picker";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Alert from "antd/es/alert";
import AntApp from "antd/es/app";
import dayjs from "dayjs";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { useAsync, useDebounced } from "../../components/useAsync";
import { Panel } from "../../components/ui";
import { countSegment } from "../../api/segments";
import { getPolicy, listChannels, putPolicy, type Cap, type Policy } from "../../api/outreach";
import { ErrorAlert, PageHead, errorText, useTimeText } from "./common";

// An expression input with its live count (or the server's message).
export function ExprField({ value, onChange, disabled, testId, placeholder }: { value: string; onChange: (v: string) => void; disabled?: boolean; testId: string; placeholder?: string }) {
  const { t, num, lang } = useI18n();
  const d = useDebounced(value.trim(), 500);
  const count = useAsync((signal) => (d ? countSegment({ expr: d }, signal).then((r) => r.count ?? 0) : Promise.resolve(undefined)), [d]);
  return (
    <div>
      <Input.TextArea className="mono" value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} autoSize={{ minRows: 1, maxRows: 6 }} placeholder={placeholder} data-testid={testId} />
      <div className="small" data-testid={testId + "-count"}>
        {count.error ? (
          <span className="field-error">{errorText(lang, count.error)}</span>
        ) : d && count.data !== undefined ? (
          <span className="muted">{t("outreach.policy.matches", { n: num(count.data) })}</span>
        ) : null}
      </div>
    </div>
  );
}

export default function PolicyPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const canEdit = session.can("admin");
  const timeText = useTimeText();
  const { message } = AntApp.useApp();
  const loaded = useAsync((signal) => getPolicy(signal), []);
  const channels = useAsync((signal) => listChannels(signal), []);
  const [p, setP] = useState<Policy>();
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  useEffect(() => {
    if (loaded.data) setP(loaded.data);
  }, [loaded.data]);
  const set = <K extends keyof Policy>(k: K, v: Policy[K]) => setP((x) => ({ ...(x ?? {}), [k]: v }));

  const save = async () => {
    if (!p) return;
    setBusy(true);
    setSaveError(undefined);
    try {
      const { version: _v, updated_at: _a, updated_by: _b, ...body } = p;
      const saved = await putPolicy(body);
      message.success(t("outreach.policy.saved"));
      if (saved && typeof saved === "object") setP({ ...p, ...saved });
      loaded.reload();
    } catch (e) {
      setSaveError(e);
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };

  if (loaded.error && !p) return <ErrorAlert error={loaded.error} />;
  if (!p) return <div className="state loading">{t("common.loading")}</div>;
  const caps = p.caps ?? [];
  const setCap = (i: number, c: Partial<Cap>) => set("caps", caps.map((x, j) => (j === i ? { ...x, ...c } : x)));
  const channelOptions = [{ value: "*", label: t("outreach.policy.allChannels") }, ...(channels.data ?? []).map((c) => ({ value: c.name, label: c.name }))];
  const qh = p.quiet_hours;

  return (
    <div data-testid="policy-page">
      <PageHead
        title={t("outreach.policy.title")}
        sub={p.version !== undefined ? t("outreach.policy.version", { version: p.version, who: p.updated_by ?? "—", when: timeText(p.updated_at) }) : t("outreach.policy.sub")}
        extra={
          canEdit && (
            <Button type="primary" onClick={save} loading={busy} data-testid="policy-save">
              {t("common.save")}
            </Button>
          )
        }
      />
      {!canEdit && <Alert type="info" showIcon title={t("outreach.policy.readOnly")} style={{ marginBottom: 12 }} />}
      <ErrorAlert error={saveError} testId="policy-error" />
      <Form layout="vertical" component="div" disabled={!canEdit}>
        <Panel title={t("outreach.policy.who")}>
          <Form.Item label={t("outreach.policy.blacklist")} extra={t("outreach.policy.blacklistHint")}>
            <ExprField value={p.blacklist ?? ""} onChange={(v) => set("blacklist", v)} disabled={!canEdit} testId="policy-blacklist" placeholder="SEGMENT('blacklist') OR complaint_count > 0" />
          </Form.Item>
          <Form.Item label={t("outreach.policy.optOut")} extra={t("outreach.policy.optOutHint")}>
            {(channels.data ?? []).length === 0 && <div className="muted small">{t("outreach.editor.noChannels")}</div>}
            {(channels.data ?? []).map((c) => (
              <div key={c.name} className="outreach-optout">
                <span className="mono outreach-optout-name">{c.name}</span>
                <div style={{ flex: 1 }}>
                  <ExprField
                    value={p.opt_out?.[c.name] ?? ""}
                    onChange={(v) => {
                      const next = { ...(p.opt_out ?? {}) };
                      if (v.trim()) next[c.name] = v;
                      else delete next[c.name];
                      set("opt_out", next);
                    }}
                    disabled={!canEdit}
                    testId={"policy-optout-" + c.name}
                    placeholder="sms_opt_out"
                  />
                </div>
              </div>
            ))}
          </Form.Item>
          <Form.Item label={t("outreach.policy.exempt")} extra={t("outreach.policy.exemptHint")}>
            <ExprField value={p.exempt ?? ""} onChange={(v) => set("exempt", v)} disabled={!canEdit} testId="policy-exempt" placeholder="SEGMENT('vip_service')" />
          </Form.Item>
        </Panel>

        <Panel
          title={t("outreach.policy.caps")}
          actions={
            canEdit && (
              <Button size="small" onClick={() => set("caps", [...caps, { channels: ["*"], max: 2, days: 7 }])} data-testid="policy-cap-add">
                {t("outreach.policy.addCap")}
              </Button>
            )
          }
        >
          <div className="muted small" style={{ marginBottom: 8 }}>
            {t("outreach.policy.capsHint")}
          </div>
          {caps.length === 0 && <div className="muted">{t("outreach.policy.noCaps")}</div>}
          {caps.map((c, i) => (
            <Space key={i} wrap style={{ marginBottom: 8 }} data-testid={"policy-cap-" + i}>
              <Select mode="multiple" value={c.channels} onChange={(v: string[]) => setCap(i, { channels: v })} options={channelOptions} style={{ minWidth: 240 }} />
              <span>{t("outreach.policy.capAtMost")}</span>
              <InputNumber min={1} value={c.max} onChange={(v) => setCap(i, { max: v ?? 1 })} style={{ width: 80 }} />
              <span>{t("outreach.policy.capPer")}</span>
              <InputNumber min={1} max={365} value={c.days} onChange={(v) => setCap(i, { days: v ?? 1 })} style={{ width: 80 }} />
              <span>{t("outreach.editor.days")}</span>
              {canEdit && (
                <Button type="link" danger onClick={() => set("caps", caps.filter((_, j) => j !== i))}>
                  {t("common.delete")}
                </Button>
              )}
            </Space>
          ))}
        </Panel>

        <Panel title={t("outreach.policy.when")}>
          <Form.Item label={t("outreach.policy.quietHours")} extra={t("outreach.policy.quietHint")}>
            <Space wrap>
              <Switch checked={!!qh} onChange={(on) => set("quiet_hours", on ? { from: "21:00", to: "09:00", mode: "defer" } : null)} data-testid="policy-quiet" />
              {qh && (
                <>
                  <TimePicker format="HH:mm" value={dayjs(qh.from, "HH:mm")} onChange={(v) => v && set("quiet_hours", { ...qh, from: v.format("HH:mm") })} allowClear={false} />
                  <span>—</span>
                  <TimePicker format="HH:mm" value={dayjs(qh.to, "HH:mm")} onChange={(v) => v && set("quiet_hours", { ...qh, to: v.format("HH:mm") })} allowClear={false} />
                  <Select
                    value={qh.mode}
                    onChange={(m: "defer" | "drop") => set("quiet_hours", { ...qh, mode: m })}
                    options={[
                      { value: "defer", label: t("outreach.policy.defer") },
                      { value: "drop", label: t("outreach.policy.drop") },
                    ]}
                    style={{ width: 200 }}
                  />
                </>
              )}
            </Space>
          </Form.Item>
          <Form.Item label={t("outreach.policy.touchedRecently")} extra={t("outreach.policy.touchedHint")}>
            <Space>
              <Switch checked={!!p.touched_recently} onChange={(on) => set("touched_recently", on ? { days: 3 } : null)} />
              {p.touched_recently && (
                <InputNumber min={1} max={90} value={p.touched_recently.days} onChange={(v) => set("touched_recently", { days: v ?? 1 })} suffix={t("outreach.editor.days")} />
              )}
            </Space>
          </Form.Item>
          <Form.Item label={t("outreach.policy.dedup")} extra={t("outreach.policy.dedupHint")}>
            <Switch checked={!!p.dedup_by_theme} onChange={(on) => set("dedup_by_theme", on)} />
          </Form.Item>
          <Form.Item label={t("outreach.policy.globalControl")} extra={t("outreach.policy.globalControlHint")}>
            <InputNumber
              min={0}
              max={20}
              step={0.5}
              value={Math.round((p.global_control?.share ?? 0) * 1000) / 10}
              onChange={(v) => set("global_control", v ? { share: v / 100 } : null)}
              suffix="%"
              data-testid="policy-global-control"
            />
          </Form.Item>
        </Panel>
      </Form>
    </div>
  );
}
