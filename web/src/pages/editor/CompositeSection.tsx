// The composite producer: a bool tag is one segment expression; an enum
// tag is ordered rules (the first whose condition holds gives the value)
// and a value for everybody else. Each condition is edited with the
// expression builder, which checks and counts it live.
import { useI18n } from "../../i18n";
import { ExpressionBuilder } from "../../components/expression";
import { Field } from "../../components/ui";
import type { Form } from "./form";

export function CompositeSection({ form, set, err }: { form: Form; set: (p: Partial<Form>) => void; err: (k: string) => string | undefined }) {
  const { t } = useI18n();
  if (form.baseType !== "bool" && form.baseType !== "enum") {
    return <div className="notice warn">{t("editor.composite.typeOnly")}</div>;
  }
  if (form.baseType === "bool") {
    return (
      <div data-testid="editor-composite">
        <Field label={t("editor.composite.expression")} error={err("producer.expression")} hint={t("editor.composite.expressionHint")}>
          <span />
        </Field>
        <ExpressionBuilder value={form.expression} onChange={(expression) => set({ expression })} testId="editor-expression" />
      </div>
    );
  }
  const setRule = (i: number, patch: Partial<{ value: string; when: string }>) => set({ rules: form.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const move = (i: number, d: number) => {
    const rules = [...form.rules];
    const [r] = rules.splice(i, 1);
    rules.splice(i + d, 0, r);
    set({ rules });
  };
  return (
    <div data-testid="editor-composite">
      <p className="muted">{t("editor.composite.rulesHint")}</p>
      {err("producer.rules") && <div className="field-error">{err("producer.rules")}</div>}
      {form.rules.map((r, i) => (
        <div key={i} className="rule-box" data-testid={"editor-rule-" + i}>
          <div className="row">
            <strong>{t("editor.composite.ruleN", { n: i + 1 })}</strong>
            <Field label={t("tag.ruleValue")} error={undefined}>
              <input value={r.value} onChange={(e) => setRule(i, { value: e.target.value })} data-testid={"editor-rule-value-" + i} />
            </Field>
            <span className="grow" />
            <button type="button" className="link" disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button type="button" className="link" disabled={i === form.rules.length - 1} onClick={() => move(i, 1)}>
              ↓
            </button>
            <button type="button" className="link danger-text" onClick={() => set({ rules: form.rules.filter((_, j) => j !== i) })} data-testid={"editor-rule-remove-" + i}>
              {t("common.delete")}
            </button>
          </div>
          {err("rules." + i) && <div className="field-error">{err("rules." + i)}</div>}
          <ExpressionBuilder value={r.when} onChange={(when) => setRule(i, { when })} testId={"editor-rule-when-" + i} />
        </div>
      ))}
      <button type="button" onClick={() => set({ rules: [...form.rules, { value: "", when: "" }] })} data-testid="editor-rule-add">
        {t("editor.composite.addRule")}
      </button>
      <Field label={t("editor.composite.else")} error={err("producer.else")} hint={t("editor.composite.elseHint")}>
        <input value={form.elseValue} onChange={(e) => set({ elseValue: e.target.value })} data-testid="editor-else" />
      </Field>
    </div>
  );
}
