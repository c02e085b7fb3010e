// 渠道 (#/channels; operators list and test, admins edit): every channel
// with its kind and limits; a form per kind; secrets are write-only (the
// input shows "set" when the server has one, empty keeps it); "send a test
// message" sends one message now (POST /channels/{name}/test).
import { useMemo, useState } from "react";
import Table from "antd/es/table";
import type { ColumnsType } from "antd/es/table";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Modal from "antd/es/modal";
import Form from "antd/es/form";
import Input from "antd/es/input";
import InputNumber from "antd/es/input-number";
import Select from "antd/es/select";
import Tag from "antd/es/tag";
import Alert from "antd/es/alert";
import Popconfirm from "antd/es/popconfirm";
import AntApp from "antd/es/app";
import { useSession } from "../../app/session";
import { useI18n, type MessageKey } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { listSources } from "../../api/catalog";
import {
  channelFields,
  channelKinds,
  channelSecrets,
  deleteChannel,
  kindNeedsAddress,
  listChannels,
  putChannel,
  testChannel,
  type Channel,
  type ChannelBody,
  type ChannelKind,
  type ChannelTestResult,
} from "../../api/outreach";
import { ErrorAlert, PageHead, errorText, useTimeText } from "./common";

const common = ["name", "kind", "rate_per_second", "concurrency", "max_attempts", "timeout_ms", "secrets_set", "updated_at", "updated_by", "address"];
const knownKind = (k: string): k is ChannelKind => (channelKinds as readonly string[]).includes(k);
const target = (c: Channel) => (c.url ?? c.smtp_url ?? c.base_url ?? "") as string;

export const fieldLabel = (t: (k: MessageKey) => string, f: string) => {
  const key = ("outreach.field." + f) as MessageKey;
  const s = t(key);
  return s === key ? f : s;
};

export default function ChannelsPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const canEdit = session.can("admin");
  const timeText = useTimeText();
  const { message } = AntApp.useApp();
  const list = useAsync((signal) => listChannels(signal), []);
  const [editing, setEditing] = useState<Channel | "new" | null>(null);
  const [testing, setTesting] = useState<Channel | null>(null);

  const remove = async (name: string) => {
    try {
      await deleteChannel(name);
      message.success(t("outreach.channel.deleted"));
      list.reload();
    } catch (e) {
      message.error(errorText(lang, e));
    }
  };

  const columns: ColumnsType<Channel> = [
    { title: t("common.name"), dataIndex: "name", key: "name", render: (v: string) => <span className="mono" data-testid={"channel-row-" + v}>{v}</span> },
    { title: t("outreach.channel.kind"), dataIndex: "kind", key: "kind", render: (k: string) => <Tag>{knownKind(k) ? t(("outreach.kind." + k) as MessageKey) : k}</Tag> },
    { title: t("outreach.channel.target"), key: "target", render: (_, c) => <span className="mono small">{target(c) || "—"}</span> },
    { title: t("outreach.field.rate_per_second"), dataIndex: "rate_per_second", key: "rate", align: "right", render: (v?: number) => v ?? 100 },
    { title: t("outreach.field.concurrency"), dataIndex: "concurrency", key: "conc", align: "right", render: (v?: number) => v ?? 4 },
    {
      title: t("outreach.channel.secrets"),
      key: "secrets",
      render: (_, c) => {
        const names = knownKind(c.kind) ? channelSecrets[c.kind] : [];
        if (names.length === 0 && !(c.secrets_set ?? []).length) return <span className="muted">—</span>;
        return (
          <Space size={4} wrap>
            {[...new Set([...names, ...(c.secrets_set ?? [])])].map((s) => (
              <Tag key={s} color={(c.secrets_set ?? []).includes(s) ? "green" : "orange"}>
                {fieldLabel(t, s)}: {(c.secrets_set ?? []).includes(s) ? t("outreach.channel.secretSet") : t("outreach.channel.secretMissing")}
              </Tag>
            ))}
          </Space>
        );
      },
    },
    { title: t("common.updated"), key: "updated", render: (_, c) => <span className="small">{timeText(c.updated_at)}{c.updated_by && <div className="muted">{c.updated_by}</div>}</span> },
    {
      title: t("common.actions"),
      key: "act",
      render: (_, c) => (
        <Space size={4}>
          {session.can("operator") && (
            <Button size="small" onClick={() => setTesting(c)} data-testid={"channel-test-" + c.name}>
              {t("outreach.channel.test")}
            </Button>
          )}
          {canEdit && (
            <Button size="small" onClick={() => setEditing(c)} data-testid={"channel-edit-" + c.name}>
              {t("outreach.channel.edit")}
            </Button>
          )}
          {canEdit && (
            <Popconfirm title={t("outreach.channel.deleteConfirm", { name: c.name })} onConfirm={() => remove(c.name)} okText={t("common.delete")} cancelText={t("common.cancel")}>
              <Button size="small" type="link" danger>
                {t("common.delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="channels-page">
      <PageHead
        title={t("outreach.channel.title")}
        sub={t("outreach.channel.sub")}
        extra={
          canEdit && (
            <Button type="primary" onClick={() => setEditing("new")} data-testid="channel-new">
              {t("outreach.channel.new")}
            </Button>
          )
        }
      />
      <ErrorAlert error={list.error} />
      <Table<Channel> rowKey="name" loading={list.loading} columns={columns} dataSource={list.data ?? []} pagination={false} locale={{ emptyText: t("outreach.editor.noChannels") }} data-testid="channels-table" />
      {editing && (
        <ChannelForm
          channel={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      {testing && <TestDialog channel={testing} onClose={() => setTesting(null)} />}
    </div>
  );
}

// Add or edit a channel: the kind's fields, the write-only secrets, limits,
// the address query, and any field this UI does not know as JSON.
function ChannelForm({ channel, onClose, onSaved }: { channel?: Channel; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const { message } = AntApp.useApp();
  const [name, setName] = useState(channel?.name ?? "");
  const [kind, setKind] = useState<string>(channel?.kind ?? "webhook");
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const [k, x] of Object.entries(channel ?? {})) if (typeof x === "string") v[k] = x;
    return v;
  });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [rate, setRate] = useState<number | null>(channel?.rate_per_second ?? 100);
  const [conc, setConc] = useState<number | null>(channel?.concurrency ?? 4);
  const [attempts, setAttempts] = useState<number | null>(channel?.max_attempts ?? 5);
  const [timeout, setTimeoutMs] = useState<number | null>(channel?.timeout_ms ?? 10000);
  const [address, setAddress] = useState(channel?.address ?? { source: "", query: "" });
  const known = knownKind(kind) ? channelFields[kind] : [];
  const secretNames = knownKind(kind) ? channelSecrets[kind] : [];
  // Fields the UI has no input for, kept as JSON so an edit does not drop them.
  const [extra, setExtra] = useState(() => {
    const rest: Record<string, unknown> = {};
    const k = channel?.kind ?? "webhook";
    const skip = new Set([...common, ...(knownKind(k) ? [...channelFields[k], ...channelSecrets[k]] : [])]);
    for (const [f, v] of Object.entries(channel ?? {})) if (!skip.has(f)) rest[f] = v;
    return Object.keys(rest).length ? JSON.stringify(rest, null, 2) : "";
  });
  const sources = useAsync((signal) => (kindNeedsAddress(kind) ? listSources<{ sources: { name: string }[] }>(signal).then((r) => r.sources ?? []) : Promise.resolve([])), [kind]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const extraParsed = useMemo(() => {
    if (!extra.trim()) return { ok: true as const, value: {} };
    try {
      const v = JSON.parse(extra);
      return v && typeof v === "object" && !Array.isArray(v) ? { ok: true as const, value: v as Record<string, unknown> } : { ok: false as const };
    } catch {
      return { ok: false as const };
    }
  }, [extra]);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body: ChannelBody = { ...(extraParsed.ok ? extraParsed.value : {}), kind };
      for (const f of known) if (values[f]?.trim()) body[f] = values[f].trim();
      for (const s of secretNames) if (secrets[s]) body[s] = secrets[s]; // empty: keep the stored secret
      if (rate) body.rate_per_second = rate;
      if (conc) body.concurrency = conc;
      if (attempts) body.max_attempts = attempts;
      if (timeout) body.timeout_ms = timeout;
      if (kindNeedsAddress(kind) && address.source && address.query.trim()) body.address = { source: address.source, query: address.query };
      await putChannel(name.trim(), body);
      message.success(t("outreach.channel.saved"));
      onSaved();
    } catch (e) {
      setError(e);
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={720}
      title={channel ? t("outreach.channel.editTitle", { name: channel.name }) : t("outreach.channel.new")}
      onCancel={onClose}
      onOk={save}
      okText={t("common.save")}
      cancelText={t("common.cancel")}
      okButtonProps={{ loading: busy, disabled: !name.trim() || !extraParsed.ok, "data-testid": "channel-save" }}
      destroyOnHidden
    >
      <Form layout="vertical" component="div">
        <Space wrap align="start">
          <Form.Item label={t("common.name")} required>
            <Input value={name} onChange={(e) => setName(e.target.value)} disabled={!!channel} placeholder="crm_webhook" data-testid="channel-name" />
          </Form.Item>
          <Form.Item label={t("outreach.channel.kind")} required>
            <Select
              value={kind}
              onChange={setKind}
              disabled={!!channel}
              style={{ width: 220 }}
              options={channelKinds.map((k) => ({ value: k, label: t(("outreach.kind." + k) as MessageKey) }))}
              data-testid="channel-kind"
            />
          </Form.Item>
        </Space>
        {kind === "wechat_template" && <Alert type="warning" showIcon title={t("outreach.channel.wechatOnlyService")} style={{ marginBottom: 12 }} />}
        {kind === "wecom_bot" && <Alert type="info" showIcon title={t("outreach.channel.wecomNote")} style={{ marginBottom: 12 }} />}
        {channel && (
          <Alert
            type="info"
            showIcon
            title={t("outreach.channel.receipts")}
            description={<span className="mono small" data-testid="channel-receipts-url">POST {location.origin}/api/v1/channels/{channel.name}/receipts</span>}
            style={{ marginBottom: 12 }}
          />
        )}
        {known.map((f) => (
          <Form.Item key={f} label={fieldLabel(t, f)} extra={f === "base_url" ? t("outreach.channel.baseUrlHint") : undefined}>
            <Input value={values[f] ?? ""} onChange={(e) => setValues({ ...values, [f]: e.target.value })} data-testid={"channel-field-" + f} />
          </Form.Item>
        ))}
        {secretNames.map((s) => {
          const isSet = (channel?.secrets_set ?? []).includes(s);
          return (
            <Form.Item key={s} label={fieldLabel(t, s)} extra={isSet ? t("outreach.channel.secretKeep") : t("outreach.channel.secretWriteOnly")}>
              <Input.Password
                autoComplete="new-password"
                value={secrets[s] ?? ""}
                onChange={(e) => setSecrets({ ...secrets, [s]: e.target.value })}
                placeholder={isSet ? t("outreach.channel.secretSet") : ""}
                visibilityToggle={false}
                data-testid={"channel-secret-" + s}
              />
            </Form.Item>
          );
        })}
        {kindNeedsAddress(kind) && (
          <Form.Item label={fieldLabel(t, "address")} extra={t("outreach.channel.addressHint")}>
            <Select
              value={address.source || undefined}
              onChange={(v: string) => setAddress({ ...address, source: v })}
              options={(sources.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
              placeholder={t("outreach.approval.metricsSource")}
              style={{ width: 220, marginBottom: 6 }}
            />
            <Input.TextArea
              className="mono"
              value={address.query}
              onChange={(e) => setAddress({ ...address, query: e.target.value })}
              autoSize={{ minRows: 2, maxRows: 6 }}
              placeholder="SELECT r.user_id, m.phone AS address FROM members m JOIN {{recipients}} r ON r.user_id = m.member_id"
              data-testid="channel-address-query"
            />
          </Form.Item>
        )}
        <Space wrap>
          <Form.Item label={fieldLabel(t, "rate_per_second")}>
            <InputNumber min={0.1} value={rate} onChange={setRate} data-testid="channel-rate" />
          </Form.Item>
          <Form.Item label={fieldLabel(t, "concurrency")}>
            <InputNumber min={1} max={256} value={conc} onChange={setConc} data-testid="channel-concurrency" />
          </Form.Item>
          <Form.Item label={fieldLabel(t, "max_attempts")}>
            <InputNumber min={1} max={20} value={attempts} onChange={setAttempts} />
          </Form.Item>
          <Form.Item label={fieldLabel(t, "timeout_ms")}>
            <InputNumber min={100} step={1000} value={timeout} onChange={setTimeoutMs} />
          </Form.Item>
        </Space>
        <Form.Item label={t("outreach.channel.extra")} extra={t("outreach.channel.extraHint")} validateStatus={extraParsed.ok ? undefined : "error"}>
          <Input.TextArea className="mono" value={extra} onChange={(e) => setExtra(e.target.value)} autoSize={{ minRows: 2, maxRows: 8 }} placeholder='{"sign_method": "HMAC-SHA1"}' />
        </Form.Item>
      </Form>
      <ErrorAlert error={error} testId="channel-error" />
    </Modal>
  );
}

// One test message now, outside every campaign and cap.
function TestDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const { t, num } = useI18n();
  const [user, setUser] = useState("");
  const [content, setContent] = useState('{\n  "text": "tagloop test {{user_id}}"\n}');
  const [result, setResult] = useState<ChannelTestResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  let parsed: Record<string, unknown> | null = null;
  try {
    const v = JSON.parse(content);
    if (v && typeof v === "object" && !Array.isArray(v)) parsed = v;
  } catch {
    parsed = null;
  }
  const send = async () => {
    if (!parsed) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await testChannel(channel.name, { user_id: user.trim(), content: parsed }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t("outreach.channel.testTitle", { name: channel.name })}
      onCancel={onClose}
      onOk={send}
      okText={t("outreach.channel.testSend")}
      cancelText={t("common.close")}
      okButtonProps={{ loading: busy, disabled: !user.trim() || !parsed, "data-testid": "channel-test-send" }}
    >
      <Form layout="vertical" component="div">
        <Form.Item label={t("outreach.detail.user")} required extra={t("outreach.channel.testHint")}>
          <Input value={user} onChange={(e) => setUser(e.target.value)} data-testid="channel-test-user" />
        </Form.Item>
        <Form.Item label={t("outreach.editor.content")} validateStatus={parsed ? undefined : "error"}>
          <Input.TextArea className="mono" value={content} onChange={(e) => setContent(e.target.value)} autoSize={{ minRows: 4, maxRows: 12 }} data-testid="channel-test-content" />
        </Form.Item>
      </Form>
      <ErrorAlert error={error} />
      {result && (
        <Alert
          type={result.outcome === "sent" ? "success" : "error"}
          showIcon
          data-testid="channel-test-result"
          title={t("outreach.channel.testOutcome", { outcome: result.outcome, ms: num(result.elapsed_ms ?? 0, 0) })}
          description={
            <span className="small">
              <span className="mono">{result.message_id}</span>
              {result.error && <div>{result.error}</div>}
            </span>
          }
        />
      )}
    </Modal>
  );
}
