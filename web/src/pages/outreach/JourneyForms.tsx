// The journey editor's side panel: the selected step's settings and, with
// no step selected, the journey's own (entry, audience, re-entry, cap,
// exit, control, goal). Plain Ant Design form items over the definition;
// every change goes up at once, JSON fields only once they parse (a field
// that does not parse is reported through `onInvalid` and blocks saving).
import { useEffect, useState } from "react";
import Form from "antd/es/form";
import Input from "antd/es/input";
import InputNumber from "antd/es/input-number";
import Select from "antd/es/select";
import Radio from "antd/es/radio";
import Checkbox from "antd/es/checkbox";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Popconfirm from "antd/es/popconfirm";
import Tag from "antd/es/tag";
import Alert from "antd/es/alert";
import { href } from "../../app/router";
import { quote } from "../../components/expression/lang";
import { useI18n, type MessageKey } from "../../i18n";
import { useAsync, useDebounced } from "../../components/useAsync";
import { countSegment } from "../../api/segments";
import type { Channel } from "../../api/outreach";
import {
  durationPattern,
  reentryModes,
  stepNamePattern,
  stepSegment,
  untilPattern,
  type EventWhere,
  type JourneyDefinition,
  type JourneyStep,
  type SplitPath,
} from "../../api/journeys";
import { stepLook } from "./JourneyCanvas";

export interface EventTypeOption {
  name: string;
  title?: { zh?: string; en?: string };
}

// A JSON object typed as text: parsed on every keystroke, passed up when it parses.
function JsonField({
  value,
  onChange,
  onInvalid,
  field,
  disabled,
  rows = 4,
  testId,
  label,
  help,
}: {
  value: Record<string, unknown> | undefined;
  onChange: (v: Record<string, unknown> | undefined) => void;
  onInvalid: (field: string, message: string | undefined) => void;
  field: string;
  disabled?: boolean;
  rows?: number;
  testId?: string;
  label: string;
  help?: string;
}) {
  const { t } = useI18n();
  const shown = value && Object.keys(value).length ? JSON.stringify(value, null, 2) : "";
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string>();
  // A new step (or a value changed elsewhere) replaces the text unless it is being typed.
  useEffect(() => {
    setText((cur) => {
      try {
        if (cur.trim() && JSON.stringify(JSON.parse(cur)) === JSON.stringify(value ?? {})) return cur;
      } catch {
        // the text being typed does not parse: keep it
        return cur;
      }
      return shown;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [field]);
  useEffect(() => () => onInvalid(field, undefined), [field, onInvalid]);
  const edit = (v: string) => {
    setText(v);
    if (!v.trim()) {
      setError(undefined);
      onInvalid(field, undefined);
      onChange(undefined);
      return;
    }
    try {
      const parsed = JSON.parse(v);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(t("outreach.journey.form.notObject"));
      setError(undefined);
      onInvalid(field, undefined);
      onChange(parsed);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      setError(msg);
      onInvalid(field, msg);
    }
  };
  return (
    <Form.Item label={label} validateStatus={error ? "error" : undefined} help={error ? t("outreach.editor.badJson", { message: error }) : help}>
      <Input.TextArea className="mono" value={text} onChange={(e) => edit(e.target.value)} autoSize={{ minRows: rows, maxRows: 14 }} spellCheck={false} disabled={disabled} data-testid={testId} />
    </Form.Item>
  );
}

function eventOptions(types: EventTypeOption[] | undefined, lang: string) {
  return (types ?? []).map((e) => {
    const title = lang === "en" ? (e.title?.en ?? e.title?.zh) : (e.title?.zh ?? e.title?.en);
    return { value: e.name, label: title ? `${title} (${e.name})` : e.name };
  });
}

// A select of the steps a slot may name (itself excluded), empty = leave.
function NextSelect({ def, self, value, onChange, disabled, testId, label }: { def: JourneyDefinition; self: string; value?: string; onChange: (v: string | undefined) => void; disabled: boolean; testId: string; label: string }) {
  const { t } = useI18n();
  return (
    <Form.Item label={label}>
      <Select
        allowClear
        value={value || undefined}
        onChange={(v?: string) => onChange(v || undefined)}
        placeholder={t("outreach.journey.form.leave")}
        disabled={disabled}
        options={def.steps.filter((s) => s.name !== self).map((s) => ({ value: s.name, label: `${s.name} · ${t(("outreach.journey.type." + s.type) as MessageKey)}` }))}
        data-testid={testId}
      />
    </Form.Item>
  );
}

const durationHelp = (t: (k: MessageKey) => string, v: string | undefined) => (v && !durationPattern.test(v) ? t("outreach.journey.form.badDuration") : t("outreach.journey.form.durationHint"));

export function StepForm({
  def,
  step,
  saved,
  editable,
  channels,
  eventTypes,
  onChange,
  onRename,
  onRemove,
  onInvalid,
}: {
  def: JourneyDefinition;
  step: JourneyStep;
  saved: boolean;
  editable: boolean;
  channels: Channel[] | undefined;
  eventTypes: EventTypeOption[] | undefined;
  onChange: (s: JourneyStep) => void;
  onRename: (to: string) => void;
  onRemove: () => void;
  onInvalid: (field: string, message: string | undefined) => void;
}) {
  const { t, lang, pct } = useI18n();
  const [name, setName] = useState(step.name);
  useEffect(() => setName(step.name), [step.name]);
  const nameOk = stepNamePattern.test(name) && (name === step.name || !def.steps.some((s) => s.name === name));
  const set = (patch: Partial<JourneyStep>) => onChange({ ...step, ...patch });
  const ro = !editable;
  const look = stepLook[step.type] ?? stepLook.exit;
  const paths = step.paths ?? [];
  const shareSum = paths.reduce((a, p) => a + (p.share ?? 0), 0);
  const setPath = (i: number, patch: Partial<SplitPath>) => set({ paths: paths.map((p, j) => (j === i ? { ...p, ...patch } : p)) });

  return (
    <div data-testid="journey-step-form" data-step={step.name}>
      <div className="journey-form-title">
        <span className="journey-node-icon" style={{ background: look.color }}>
          {look.icon}
        </span>
        <Tag>{t(("outreach.journey.type." + step.type) as MessageKey)}</Tag>
        {saved && (
          <a href={href(["insight"], { expr: `SEGMENT(${quote(stepSegment(def.name, step.name))})` })} className="small">
            {t("outreach.journey.population")}
          </a>
        )}
      </div>
      <Form layout="vertical" component="div" size="small">
        <Form.Item
          label={t("outreach.journey.form.stepName")}
          validateStatus={nameOk ? undefined : "error"}
          help={nameOk ? t("outreach.journey.form.stepNameHint") : t("outreach.journey.form.badStepName")}
        >
          <Input
            className="mono"
            value={name}
            disabled={ro}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => nameOk && name !== step.name && onRename(name)}
            onPressEnter={() => nameOk && name !== step.name && onRename(name)}
            data-testid="journey-step-name"
          />
        </Form.Item>

        {step.type === "send" && (
          <>
            <Form.Item label={t("outreach.campaign.channel")} required>
              <Select
                showSearch
                value={step.channel || undefined}
                onChange={(v: string) => set({ channel: v })}
                disabled={ro}
                placeholder={t("outreach.editor.pickChannel")}
                options={(channels ?? []).map((c) => ({ value: c.name, label: `${c.name} · ${t(("outreach.kind." + c.kind) as MessageKey)}` }))}
                notFoundContent={t("outreach.editor.noChannels")}
                data-testid="journey-step-channel"
              />
            </Form.Item>
            <JsonField
              key={step.name + ":content"}
              field={step.name + ".content"}
              label={t("outreach.editor.content")}
              help={t("outreach.editor.contentHint")}
              value={step.content}
              onChange={(v) => set({ content: v ?? {} })}
              onInvalid={onInvalid}
              disabled={ro}
              rows={5}
              testId="journey-step-content"
            />
          </>
        )}

        {step.type === "wait" && (
          <>
            <Form.Item label={t("outreach.journey.form.waitMode")}>
              <Radio.Group
                value={step.until !== undefined ? "until" : "duration"}
                disabled={ro}
                onChange={(e) => (e.target.value === "until" ? onChange({ ...withoutKeys(step, ["duration"]), until: "10:00" }) : onChange({ ...withoutKeys(step, ["until"]), duration: "1d" }))}
                data-testid="journey-step-wait-mode"
              >
                <Radio.Button value="duration">{t("outreach.journey.form.duration")}</Radio.Button>
                <Radio.Button value="until">{t("outreach.journey.form.until")}</Radio.Button>
              </Radio.Group>
            </Form.Item>
            {step.until !== undefined ? (
              <Form.Item label={t("outreach.journey.form.until")} validateStatus={untilPattern.test(step.until) ? undefined : "error"} help={t("outreach.journey.form.untilHint")}>
                <Input value={step.until} disabled={ro} onChange={(e) => set({ until: e.target.value })} placeholder="10:00" style={{ width: 120 }} data-testid="journey-step-until" />
              </Form.Item>
            ) : (
              <Form.Item label={t("outreach.journey.form.duration")} validateStatus={step.duration && !durationPattern.test(step.duration) ? "error" : undefined} help={durationHelp(t, step.duration)}>
                <Input value={step.duration ?? ""} disabled={ro} onChange={(e) => set({ duration: e.target.value.trim() })} placeholder="3d" style={{ width: 120 }} data-testid="journey-step-duration" />
              </Form.Item>
            )}
          </>
        )}

        {step.type === "wait_event" && (
          <>
            <Form.Item label={t("outreach.journey.form.event")} required>
              <Select showSearch value={step.event || undefined} onChange={(v: string) => set({ event: v })} disabled={ro} options={eventOptions(eventTypes, lang)} placeholder={t("outreach.journey.form.pickEvent")} data-testid="journey-step-event" />
            </Form.Item>
            <JsonField
              key={step.name + ":where"}
              field={step.name + ".where"}
              label={t("outreach.journey.form.where")}
              help={t("outreach.journey.form.whereHint")}
              value={step.where}
              onChange={(v) => set({ where: (v ?? {}) as EventWhere })}
              onInvalid={onInvalid}
              disabled={ro}
              rows={2}
              testId="journey-step-where"
            />
            <Form.Item label={t("outreach.journey.form.timeout")} required validateStatus={step.timeout && !durationPattern.test(step.timeout) ? "error" : undefined} help={durationHelp(t, step.timeout)}>
              <Input value={step.timeout ?? ""} disabled={ro} onChange={(e) => set({ timeout: e.target.value.trim() })} placeholder="2d" style={{ width: 120 }} data-testid="journey-step-timeout" />
            </Form.Item>
          </>
        )}

        {step.type === "branch" && (
          <Form.Item label={t("outreach.journey.form.condition")} required help={t("outreach.journey.form.conditionHint")}>
            <Input.TextArea className="mono" value={step.condition ?? ""} disabled={ro} onChange={(e) => set({ condition: e.target.value })} autoSize={{ minRows: 2, maxRows: 8 }} spellCheck={false} placeholder="member_level = '金卡'" data-testid="journey-step-condition" />
          </Form.Item>
        )}

        {(step.type === "send" || step.type === "wait" || step.type === "wait_event") && (
          <NextSelect def={def} self={step.name} value={step.next} onChange={(v) => onChange(v ? { ...step, next: v } : withoutKeys(step, ["next"]))} disabled={ro} testId="journey-step-next" label={step.type === "wait_event" ? t("outreach.journey.form.nextOnEvent") : t("outreach.journey.form.next")} />
        )}
        {step.type === "wait_event" && (
          <NextSelect def={def} self={step.name} value={step.timeout_next} onChange={(v) => onChange(v ? { ...step, timeout_next: v } : withoutKeys(step, ["timeout_next"]))} disabled={ro} testId="journey-step-timeout-next" label={t("outreach.journey.form.nextOnTimeout")} />
        )}
        {step.type === "branch" && (
          <>
            <NextSelect def={def} self={step.name} value={step.yes} onChange={(v) => onChange(v ? { ...step, yes: v } : withoutKeys(step, ["yes"]))} disabled={ro} testId="journey-step-yes" label={t("outreach.journey.form.yes")} />
            <NextSelect def={def} self={step.name} value={step.no} onChange={(v) => onChange(v ? { ...step, no: v } : withoutKeys(step, ["no"]))} disabled={ro} testId="journey-step-no" label={t("outreach.journey.form.no")} />
          </>
        )}

        {step.type === "split" && (
          <Form.Item
            label={t("outreach.journey.form.paths")}
            validateStatus={Math.abs(shareSum - 1) > 1e-9 ? "error" : undefined}
            help={t("outreach.journey.form.pathsSum", { sum: pct(shareSum, 0) })}
          >
            {paths.map((p, i) => (
              <div key={i} className="journey-path" data-testid={"journey-path-" + i}>
                <Space.Compact block>
                  <Input value={p.name} disabled={ro} onChange={(e) => setPath(i, { name: e.target.value })} placeholder={t("outreach.journey.form.pathName")} style={{ width: "40%" }} data-testid={`journey-path-${i}-name`} />
                  <InputNumber
                    min={0}
                    max={100}
                    value={Math.round((p.share ?? 0) * 1000) / 10}
                    disabled={ro}
                    onChange={(v) => setPath(i, { share: Math.max(0, Math.min(100, v ?? 0)) / 100 })}
                    suffix="%"
                    style={{ width: "30%" }}
                    data-testid={`journey-path-${i}-share`}
                  />
                  <Button disabled={ro || paths.length <= 2} onClick={() => set({ paths: paths.filter((_, j) => j !== i) })} style={{ width: "30%" }}>
                    {t("common.delete")}
                  </Button>
                </Space.Compact>
                <Space style={{ marginTop: 4 }} wrap>
                  <Select
                    allowClear
                    size="small"
                    value={p.next || undefined}
                    onChange={(v?: string) => setPath(i, { next: v || undefined })}
                    placeholder={t("outreach.journey.form.leave")}
                    disabled={ro || !!p.control}
                    options={def.steps.filter((s) => s.name !== step.name).map((s) => ({ value: s.name, label: s.name }))}
                    style={{ width: 180 }}
                    data-testid={`journey-path-${i}-next`}
                  />
                  <Checkbox checked={!!p.control} disabled={ro} onChange={(e) => setPath(i, e.target.checked ? { control: true, next: undefined } : { control: undefined })}>
                    {t("outreach.journey.form.pathControl")}
                  </Checkbox>
                </Space>
              </div>
            ))}
            {!ro && (
              <Button size="small" onClick={() => set({ paths: [...paths, { name: `path_${paths.length + 1}`, share: 0 }] })} data-testid="journey-path-add">
                {t("outreach.journey.form.addPath")}
              </Button>
            )}
          </Form.Item>
        )}

        {step.type === "exit" && <Alert type="info" showIcon title={t("outreach.journey.form.exitHint")} style={{ marginBottom: 12 }} />}

        {editable && (
          <Popconfirm title={t("outreach.journey.form.removeConfirm", { name: step.name })} onConfirm={onRemove} okText={t("common.delete")} cancelText={t("common.cancel")}>
            <Button danger size="small" data-testid="journey-step-remove">
              {t("outreach.journey.form.removeStep")}
            </Button>
          </Popconfirm>
        )}
      </Form>
    </div>
  );
}

function withoutKeys(step: JourneyStep, keys: (keyof JourneyStep)[]): JourneyStep {
  const copy = { ...step };
  for (const k of keys) delete copy[k];
  return copy;
}

// The journey's own settings.
export function JourneySettings({
  def,
  editable,
  isNew,
  eventTypes,
  onChange,
  onInvalid,
}: {
  def: JourneyDefinition;
  editable: boolean;
  isNew: boolean;
  eventTypes: EventTypeOption[] | undefined;
  onChange: (d: JourneyDefinition) => void;
  onInvalid: (field: string, message: string | undefined) => void;
}) {
  const { t, lang, num } = useI18n();
  const ro = !editable;
  const set = (patch: Partial<JourneyDefinition>) => onChange({ ...def, ...patch });
  const entryMode = def.entry?.schedule !== undefined ? "schedule" : "event";
  const expr = def.audience?.segment ? `SEGMENT(${quote(def.audience.segment)})` : (def.audience?.expr ?? "").trim();
  const debounced = useDebounced(expr, 500);
  const count = useAsync((signal) => (debounced ? countSegment({ expr: debounced }, signal).then((r) => r.count ?? 0) : Promise.resolve(undefined)), [debounced]);
  const events = eventOptions(eventTypes, lang);
  const reentry = def.reentry ?? { mode: "once" as const };

  return (
    <div data-testid="journey-settings">
      <Form layout="vertical" component="div" size="small">
        <Form.Item label={t("outreach.journeys.name")} required help={isNew ? t("outreach.journey.form.nameHint") : undefined}>
          <Input className="mono" value={def.name} disabled={ro || !isNew} onChange={(e) => set({ name: e.target.value.trim() })} placeholder="cancel_rescue" data-testid="journey-name" />
        </Form.Item>
        <Form.Item label={t("common.title")}>
          <Input value={def.title ?? ""} disabled={ro} onChange={(e) => set({ title: e.target.value || undefined })} placeholder={t("outreach.journey.form.titlePlaceholder")} data-testid="journey-title" />
        </Form.Item>
        <Space size={12} wrap>
          <Form.Item label={t("outreach.campaign.theme")}>
            <Input value={def.theme ?? ""} disabled={ro} onChange={(e) => set({ theme: e.target.value || undefined })} style={{ width: 150 }} data-testid="journey-theme" />
          </Form.Item>
          <Form.Item label={t("outreach.campaign.class")}>
            <Select
              value={def.class ?? "marketing"}
              disabled={ro}
              onChange={(v: "marketing" | "transactional") => set({ class: v })}
              options={[
                { value: "marketing", label: t("outreach.class.marketing") },
                { value: "transactional", label: t("outreach.class.transactional") },
              ]}
              style={{ width: 130 }}
            />
          </Form.Item>
        </Space>

        <Form.Item label={t("outreach.journey.entry")} required>
          <Radio.Group
            value={entryMode}
            disabled={ro}
            onChange={(e) => set({ entry: e.target.value === "schedule" ? { schedule: "0 10 * * 1" } : { event: "" } })}
            data-testid="journey-entry-mode"
          >
            <Radio.Button value="event">{t("outreach.journey.form.entryEvent")}</Radio.Button>
            <Radio.Button value="schedule">{t("outreach.journey.form.entrySchedule")}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        {entryMode === "schedule" ? (
          <Form.Item label={t("outreach.journey.form.cron")} help={t("outreach.journey.form.cronHint")}>
            <Input className="mono" value={def.entry.schedule ?? ""} disabled={ro} onChange={(e) => set({ entry: { schedule: e.target.value } })} placeholder="0 10 * * 1" data-testid="journey-entry-cron" />
          </Form.Item>
        ) : (
          <>
            <Form.Item label={t("outreach.journey.form.event")}>
              <Select
                showSearch
                value={def.entry?.event || undefined}
                onChange={(v: string) => set({ entry: { ...def.entry, event: v } })}
                disabled={ro}
                options={events}
                placeholder={t("outreach.journey.form.pickEvent")}
                data-testid="journey-entry-event"
              />
            </Form.Item>
            <JsonField
              key="entry.where"
              field="entry.where"
              label={t("outreach.journey.form.where")}
              help={t("outreach.journey.form.whereHint")}
              value={def.entry?.where}
              onChange={(v) => set({ entry: v ? { ...def.entry, where: v as EventWhere } : { event: def.entry?.event } })}
              onInvalid={onInvalid}
              disabled={ro}
              rows={2}
              testId="journey-entry-where"
            />
          </>
        )}

        <Form.Item
          label={t("outreach.journey.form.audience")}
          help={
            <span>
              {entryMode === "event" ? t("outreach.journey.form.audienceEventHint") : t("outreach.journey.form.audienceHint")}
              {expr && (
                <>
                  {" · "}
                  <span data-testid="journey-audience-count">{count.loading ? t("common.loading") : count.error ? t("outreach.journey.form.badExpr") : count.data !== undefined ? t("common.users", { n: num(count.data) }) : ""}</span>
                </>
              )}
            </span>
          }
          validateStatus={count.error ? "error" : undefined}
        >
          <Input.TextArea
            className="mono"
            value={def.audience?.segment ? `SEGMENT(${quote(def.audience.segment)})` : (def.audience?.expr ?? "")}
            disabled={ro}
            onChange={(e) => set({ audience: e.target.value.trim() ? { expr: e.target.value } : undefined })}
            autoSize={{ minRows: 2, maxRows: 6 }}
            spellCheck={false}
            placeholder="member_level IN ('金卡', '银卡')"
            data-testid="journey-audience"
          />
        </Form.Item>

        <Space size={12} wrap align="start">
          <Form.Item label={t("outreach.journey.form.reentry")}>
            <Select
              value={reentry.mode}
              disabled={ro}
              onChange={(v: (typeof reentryModes)[number]) => set({ reentry: v === "after" ? { mode: v, days: reentry.days ?? 30 } : { mode: v } })}
              options={reentryModes.map((m) => ({ value: m, label: t(("outreach.journey.reentry." + m) as MessageKey) }))}
              style={{ width: 150 }}
              data-testid="journey-reentry"
            />
          </Form.Item>
          {reentry.mode === "after" && (
            <Form.Item label={t("outreach.journey.form.reentryDays")}>
              <InputNumber min={1} max={3650} value={reentry.days ?? 30} disabled={ro} onChange={(v) => set({ reentry: { mode: "after", days: v ?? 30 } })} suffix={t("outreach.editor.days")} style={{ width: 110 }} />
            </Form.Item>
          )}
          <Form.Item label={t("outreach.journey.form.maxConcurrent")} help={t("outreach.journey.form.maxConcurrentHint")}>
            <InputNumber min={1} max={100} value={def.max_concurrent} disabled={ro} onChange={(v) => set({ max_concurrent: v ?? undefined })} placeholder={t("outreach.editor.noLimit")} style={{ width: 110 }} data-testid="journey-max-concurrent" />
          </Form.Item>
        </Space>

        <Form.Item label={t("outreach.editor.goal")} help={t("outreach.editor.goalHint")}>
          <Space wrap>
            <Select
              allowClear
              showSearch
              value={def.goal?.event || undefined}
              disabled={ro}
              onChange={(v?: string) => set({ goal: v ? { event: v, window_days: def.goal?.window_days ?? 7 } : undefined })}
              options={events}
              placeholder={t("outreach.editor.goalEvent")}
              style={{ width: 200 }}
              data-testid="journey-goal-event"
            />
            <InputNumber
              min={1}
              max={90}
              value={def.goal?.window_days ?? 7}
              disabled={ro || !def.goal?.event}
              onChange={(v) => def.goal && set({ goal: { ...def.goal, window_days: v ?? 7 } })}
              suffix={t("outreach.editor.days")}
              style={{ width: 100 }}
            />
          </Space>
        </Form.Item>
        <Form.Item label={t("outreach.journey.form.exit")}>
          <Space direction="vertical" size={2}>
            <Checkbox checked={def.exit?.goal ?? !!def.goal?.event} disabled={ro || !def.goal?.event} onChange={(e) => set({ exit: { ...def.exit, goal: e.target.checked } })} data-testid="journey-exit-goal">
              {t("outreach.journey.form.exitGoal")}
            </Checkbox>
            <Checkbox checked={!!def.exit?.not_matching} disabled={ro} onChange={(e) => set({ exit: { ...def.exit, not_matching: e.target.checked } })} data-testid="journey-exit-not-matching">
              {t("outreach.journey.form.exitNotMatching")}
            </Checkbox>
          </Space>
        </Form.Item>
        <Space size={12} wrap align="start">
          <Form.Item label={t("outreach.editor.control")} help={t("outreach.journey.form.controlHint")}>
            <InputNumber
              min={0}
              max={50}
              value={Math.round((def.control?.share ?? 0) * 1000) / 10}
              disabled={ro}
              onChange={(v) => set({ control: { share: Math.max(0, Math.min(50, v ?? 0)) / 100 } })}
              suffix="%"
              style={{ width: 100 }}
              data-testid="journey-control"
            />
          </Form.Item>
          <Form.Item label={t("outreach.journey.form.start")}>
            <Select
              value={def.start || def.steps[0]?.name}
              disabled={ro}
              onChange={(v: string) => set({ start: v })}
              options={def.steps.map((s) => ({ value: s.name, label: s.name }))}
              style={{ width: 150 }}
              data-testid="journey-start"
            />
          </Form.Item>
        </Space>
      </Form>
    </div>
  );
}
