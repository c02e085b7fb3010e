// Real-time and behavior producers (docs/api.md "Events and real-time
// tags"): a rule over the event log — latest value of a property, a flag
// between start and end events, count/sum/avg/min/max in a sliding window
// (behavior tags: or between two dates), first/last time — with property
// filters (where).
import { useMemo } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { DateInput, ErrorBox, Field, Loading } from "../../components/ui";
import { OPS, RULES, type Form, type WhereRow } from "./form";
import { listEventTypes } from "../../api/events";

interface EventType {
  name: string;
  title?: { zh?: string; en?: string };
  description?: string;
  properties: { name: string; type: string; description?: string }[];
}

function EventPicker({ types, value, onChange, testId }: { types: EventType[]; value: string[]; onChange: (v: string[]) => void; testId: string }) {
  const { title } = useI18n();
  return (
    <div className="ev-chips" data-testid={testId}>
      {types.map((ty) => {
        const on = value.includes(ty.name);
        return (
          <button
            type="button"
            key={ty.name}
            className={"ev-chip" + (on ? " on" : "")}
            title={ty.description ?? ty.name}
            onClick={() => onChange(on ? value.filter((v) => v !== ty.name) : [...value, ty.name])}
            data-testid={testId + "-" + ty.name}
          >
            {title(ty.title, ty.name)} <span className="mono small muted">{ty.name}</span>
          </button>
        );
      })}
    </div>
  );
}

export function RealtimeSection({ form, set, err }: { form: Form; set: (p: Partial<Form>) => void; err: (k: string) => string | undefined }) {
  const { t } = useI18n();
  const types = useAsync((signal) => listEventTypes<{ types: EventType[] }>(signal), []);
  const chosen = form.rule === "flag" ? [...form.start, ...form.end] : form.events;
  const properties = useMemo(() => {
    const all = new Map<string, string>();
    for (const ty of types.data?.types ?? []) if (chosen.includes(ty.name)) for (const p of ty.properties) all.set(p.name, p.type);
    return [...all.entries()];
  }, [types.data, chosen]);
  if (types.error) return <ErrorBox error={types.error} onRetry={types.reload} />;
  if (!types.data) return <Loading />;
  const list = types.data.types;
  const needsProperty = ["latest", "sum", "avg", "min", "max"].includes(form.rule);
  const windowed = ["count", "sum", "avg", "min", "max"].includes(form.rule);
  const setWhere = (i: number, patch: Partial<WhereRow>) => set({ where: form.where.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  return (
    <div data-testid="editor-realtime">
      <p className="muted">{t(form.kind === "behavior" ? "editor.rt.behaviorExplain" : "editor.rt.explain")}</p>
      <Field label={t("tag.rule")} error={err("producer.rule")} hint={t(("editor.rt.ruleHint." + form.rule) as "editor.rt.ruleHint.count")}>
        <select value={form.rule} onChange={(e) => set({ rule: e.target.value as Form["rule"] })} data-testid="editor-rule">
          {RULES.map((r) => (
            <option key={r} value={r}>
              {t(("editor.rt.rule." + r) as "editor.rt.rule.count")}
            </option>
          ))}
        </select>
      </Field>
      {form.rule === "flag" ? (
        <>
          <Field label={t("editor.rt.start")} error={err("producer.start")}>
            <EventPicker types={list} value={form.start} onChange={(start) => set({ start })} testId="editor-start" />
          </Field>
          <Field label={t("editor.rt.end")} error={err("producer.end")}>
            <EventPicker types={list} value={form.end} onChange={(end) => set({ end })} testId="editor-end" />
          </Field>
        </>
      ) : (
        <Field label={t("tag.events")} error={err("producer.events")}>
          <EventPicker types={list} value={form.events} onChange={(events) => set({ events })} testId="editor-events" />
        </Field>
      )}
      {needsProperty && (
        <Field label={t("editor.rt.property")} error={err("producer.property")}>
          <select value={form.property} onChange={(e) => set({ property: e.target.value })} data-testid="editor-property">
            <option value="">{t("editor.rt.pickProperty")}</option>
            {form.rule === "latest" && <option value="$type">{t("editor.rt.typeProperty")}</option>}
            {properties.map(([p, ty]) => (
              <option key={p} value={p}>
                {p} ({ty})
              </option>
            ))}
            {form.property && form.property !== "$type" && !properties.some(([p]) => p === form.property) && <option value={form.property}>{form.property}</option>}
          </select>
        </Field>
      )}
      {windowed && (
        <div className="row">
          <Field label={t("editor.rt.window")} error={err("producer.window_days")} hint={t("editor.rt.windowHint")}>
            <input type="number" min={1} max={3650} value={form.windowDays} onChange={(e) => set({ windowDays: e.target.value })} style={{ width: 120 }} data-testid="editor-window" />
          </Field>
          {form.kind === "behavior" && (
            <>
              <Field label={t("tag.from")} error={err("producer.from")}>
                <DateInput value={form.from} onChange={(from) => set({ from })} testId="editor-rt-from" />
              </Field>
              <Field label={t("tag.to")} error={err("producer.to")}>
                <DateInput value={form.to} onChange={(to) => set({ to })} testId="editor-rt-to" />
              </Field>
            </>
          )}
          {form.rule === "count" && (
            <Field label={t("editor.rt.atLeast")} error={err("producer.at_least")} hint={t("editor.rt.atLeastHint")}>
              <input type="number" min={1} value={form.atLeast} onChange={(e) => set({ atLeast: e.target.value })} style={{ width: 120 }} data-testid="editor-at-least" />
            </Field>
          )}
        </div>
      )}
      <Field label={t("editor.rt.where")} error={err("producer.where")} hint={t("editor.rt.whereHint")}>
        <div>
          {form.where.map((w, i) => (
            <div className="row" key={i} data-testid={"editor-where-" + i}>
              <select value={w.property} onChange={(e) => setWhere(i, { property: e.target.value })}>
                <option value="">{t("editor.rt.pickProperty")}</option>
                {properties.map(([p]) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
                {w.property && !properties.some(([p]) => p === w.property) && <option value={w.property}>{w.property}</option>}
              </select>
              <select value={w.op} onChange={(e) => setWhere(i, { op: e.target.value as WhereRow["op"] })} style={{ width: 70 }}>
                {OPS.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
              <input value={w.value} onChange={(e) => setWhere(i, { value: e.target.value })} placeholder={w.op === "=" ? t("editor.rt.anyOf") : ""} />
              <button type="button" className="link" onClick={() => set({ where: form.where.filter((_, j) => j !== i) })}>
                {t("common.delete")}
              </button>
            </div>
          ))}
          <button type="button" className="link" onClick={() => set({ where: [...form.where, { property: "", op: "=", value: "" }] })} data-testid="editor-where-add">
            {t("editor.rt.addWhere")}
          </button>
        </div>
      </Field>
    </div>
  );
}
