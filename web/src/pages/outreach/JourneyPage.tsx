// 旅程 (#/journeys/new, #/journeys/{id}; analysts read, operators edit):
// the canvas of the journey's steps with their live counts (GET
// /campaigns/{id}/journey every 3 s while it runs), the side panel with the
// selected step's settings or the journey's own, save (POST / PUT
// /campaigns; a server error names its field, e.g. steps[2].next, and that
// step is highlighted), the lifecycle actions, the test run, the users
// waiting per step, the versions with migration, and the state history.
import { useCallback, useEffect, useMemo, useState } from "react";
import Button from "antd/es/button";
import Space from "antd/es/space";
import Tabs from "antd/es/tabs";
import Dropdown from "antd/es/dropdown";
import Alert from "antd/es/alert";
import Tag from "antd/es/tag";
import AntApp from "antd/es/app";
import { href } from "../../app/router";
import { useSession } from "../../app/session";
import { useI18n, type MessageKey } from "../../i18n";
import { ApiError } from "../../api/client";
import { useAsync } from "../../components/useAsync";
import { listChannels, transition, type CampaignAction } from "../../api/outreach";
import { listEventTypes } from "../../api/events";
import {
  createJourney,
  definitionOf,
  freshName,
  getJourney,
  getJourneyLive,
  removeStep,
  renameStep,
  slotsOf,
  slotTarget,
  stepOfField,
  stepTypes,
  updateJourney,
  withSlot,
  type Journey,
  type JourneyDefinition,
  type JourneyLive,
  type JourneyStep,
  type StepType,
} from "../../api/journeys";
import { ActionDialog, ErrorAlert, PageHead, StateTag, errorText } from "./common";
import JourneyCanvas, { stepLook } from "./JourneyCanvas";
import "./journeys.css";
import { JourneySettings, StepForm, type EventTypeOption } from "./JourneyForms";
import { History, TestDrawer, Versions, WaitingUsers } from "./JourneyPanels";

// Which actions a journey's state allows: a running journey is never done on its own.
const allowed: Record<string, CampaignAction[]> = {
  draft: ["submit", "cancel"],
  pending_approval: ["approve", "reject", "cancel"],
  rejected: ["cancel"],
  scheduled: ["pause", "cancel"],
  running: ["pause", "cancel"],
  paused: ["resume", "cancel"],
};
const roleFor = (a: CampaignAction) => (a === "approve" || a === "reject" ? "admin" : "operator");

// What a new journey starts from: one send, then the exit.
const starter = (): JourneyDefinition => ({
  name: "",
  entry: { event: "" },
  reentry: { mode: "once" },
  control: { share: 0.1 },
  start: "send_1",
  steps: [
    { name: "send_1", type: "send", content: {}, next: "end" },
    { name: "end", type: "exit" },
  ],
});

// A new step of `type` with the fields it needs.
function newStep(def: JourneyDefinition, type: StepType): JourneyStep {
  const name = freshName(def, type === "wait_event" ? "wait_event" : type);
  switch (type) {
    case "send":
      return { name, type, content: {} };
    case "wait":
      return { name, type, duration: "1d" };
    case "wait_event":
      return { name, type, event: "", timeout: "2d" };
    case "branch":
      return { name, type, condition: "" };
    case "split":
      return { name, type, paths: [{ name: "a", share: 0.5 }, { name: "b", share: 0.5 }] };
    default:
      return { name, type };
  }
}

const livePolled = new Set(["scheduled", "running", "paused"]);

export default function JourneyPage({ id: routeId }: { id?: string }) {
  const { t, lang, num } = useI18n();
  const session = useSession();
  const { message } = AntApp.useApp();
  const [id, setId] = useState(routeId);
  const [record, setRecord] = useState<Journey>();
  const [def, setDef] = useState<JourneyDefinition | undefined>(routeId ? undefined : starter());
  const [dirty, setDirty] = useState(false);
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [badStep, setBadStep] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState("canvas");
  const [usersStep, setUsersStep] = useState<string>();
  const [testOpen, setTestOpen] = useState(false);
  const [visited, setVisited] = useState<string[]>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((x) => x + 1), []);

  // The record (and, unless being edited, its definition).
  useEffect(() => {
    if (!id) return;
    const ctl = new AbortController();
    getJourney(id, ctl.signal).then(
      (j) => {
        setRecord(j);
        setLoadError(undefined);
        setDef((cur) => (cur && dirty ? cur : definitionOf(j as unknown as Record<string, unknown>)));
      },
      (e) => !ctl.signal.aborted && setLoadError(e),
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, tick]);

  // Live counts: every 3 s while it can move, once otherwise.
  const state = record?.state;
  const [live, setLive] = useState<JourneyLive>();
  const [liveError, setLiveError] = useState<unknown>();
  const [liveTick, setLiveTick] = useState(0);
  useEffect(() => {
    if (!id || !state || state === "draft") return;
    const ctl = new AbortController();
    getJourneyLive(id, ctl.signal).then(
      (l) => {
        setLive(l);
        setLiveError(undefined);
      },
      (e) => !ctl.signal.aborted && setLiveError(e),
    );
    return () => ctl.abort();
  }, [id, state, liveTick, tick]);
  useEffect(() => {
    if (!state || !livePolled.has(state)) return;
    const timer = setInterval(() => setLiveTick((x) => x + 1), 3000);
    return () => clearInterval(timer);
  }, [state]);
  // The record's state follows the live answer (a journey paused by the server, for instance).
  useEffect(() => {
    if (live?.state && record && live.state !== record.state) reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live?.state]);

  const channels = useAsync((signal) => (session.can("operator") ? listChannels(signal) : Promise.resolve([])), []);
  const eventTypes = useAsync((signal) => listEventTypes<{ types: EventTypeOption[] }>(signal).then((r) => r.types ?? []), []);

  // Who may edit what: operators a journey not yet approved, admins a
  // running or paused one (a new version at once).
  const editable = !id
    ? session.can("operator")
    : !!state &&
      ((["draft", "rejected", "pending_approval"].includes(state) && session.can("operator")) || (["scheduled", "running", "paused"].includes(state) && session.can("admin")));

  const change = useCallback((d: JourneyDefinition) => {
    setDef(d);
    setDirty(true);
  }, []);
  const onInvalid = useCallback((field: string, msg: string | undefined) => {
    setInvalid((cur) => {
      if (msg === undefined) {
        if (!(field in cur)) return cur;
        const next = { ...cur };
        delete next[field];
        return next;
      }
      return cur[field] === msg ? cur : { ...cur, [field]: msg };
    });
  }, []);

  const onConnect = useCallback(
    (from: string, slot: string, to: string) =>
      setDef((d) => {
        if (!d) return d;
        setDirty(true);
        return { ...d, steps: d.steps.map((s) => (s.name === from ? withSlot(s, slot, to) : s)) };
      }),
    [],
  );
  const onDisconnect = useCallback(
    (from: string, slot: string) =>
      setDef((d) => {
        if (!d) return d;
        setDirty(true);
        return { ...d, steps: d.steps.map((s) => (s.name === from ? withSlot(s, slot, undefined) : s)) };
      }),
    [],
  );
  const onRemove = useCallback((name: string) => {
    setDef((d) => (d ? removeStep(d, name) : d));
    setDirty(true);
    setSelected((s) => (s === name ? undefined : s));
  }, []);
  const showUsers = useCallback((step: string) => {
    setUsersStep(step);
    setTab("users");
  }, []);
  const onSelect = useCallback((step: string | undefined) => {
    setSelected(step);
    if (step) setUsersStep(step);
  }, []);

  // Adds a step after the selected one: into its first free slot, else
  // between it and the step its first slot leads to (an exit, which leads
  // nowhere, is only added into a free slot).
  const addStep = (type: StepType) => {
    if (!def) return;
    let step = newStep(def, type);
    const from = selected ? def.steps.find((s) => s.name === selected) : undefined;
    let link: { slot: string } | undefined;
    if (from) {
      const slots = slotsOf(from);
      const free = slots.find((slot) => !slotTarget(from, slot));
      if (free) link = { slot: free };
      else if (slots.length && type !== "exit") {
        const old = slotTarget(from, slots[0]);
        const own = slotsOf(step)[0];
        if (own) step = withSlot(step, own, old);
        link = { slot: slots[0] };
      }
    }
    let steps = [...def.steps, step];
    if (from && link) steps = steps.map((s) => (s.name === from.name ? withSlot(s, link!.slot, step.name) : s));
    change({ ...def, steps, start: def.start ?? def.steps[0]?.name ?? step.name });
    setSelected(step.name);
  };

  const save = async (): Promise<string | undefined> => {
    if (!def) return;
    setBusy(true);
    setSaveError(undefined);
    setBadStep(undefined);
    try {
      const j = id ? await updateJourney(id, def) : await createJourney(def);
      const newId = j?.id ?? id;
      if (!newId) throw new Error("the server answered no journey id");
      setDirty(false);
      message.success(t("outreach.journey.saved"));
      if (!id) {
        setId(newId);
        window.history.replaceState(null, "", href(["journeys", newId]));
      }
      reload();
      return newId;
    } catch (e) {
      setSaveError(e);
      if (e instanceof ApiError) {
        const args = (e.detail.args ?? {}) as Record<string, unknown>;
        const step = stepOfField(def, args.field ?? e.detail.field);
        if (step) {
          setBadStep(step);
          setSelected(step);
          setTab("canvas");
        }
      }
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };

  const [dialog, setDialog] = useState<CampaignAction | null>(null);
  const [comment, setComment] = useState("");
  const act = async (action: CampaignAction) => {
    if (!id) return;
    setBusy(true);
    try {
      await transition(id, action, comment.trim() || undefined);
      message.success(t("outreach.detail.done", { action: actionLabel(action) }));
      setDialog(null);
      setComment("");
      reload();
    } catch (e) {
      message.error(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };

  // "Cancel" stops a journey: users inside leave (stopped).
  const actionLabel = (a: CampaignAction) => (a === "cancel" ? t("outreach.journey.stop") : t(("outreach.action." + a) as MessageKey));
  const selectedStep = useMemo(() => def?.steps.find((s) => s.name === selected), [def, selected]);
  // Users still on steps only an older version has (they finish there, or an admin migrates them).
  const oldSteps = useMemo(() => (live?.steps ?? []).filter((s) => (s.inside ?? 0) > 0 && !def?.steps.some((d) => d.name === s.name)), [live, def]);

  if (loadError && !record) return <ErrorAlert error={loadError} testId="journey-load-error" />;
  if (!def) return <div className="state loading">{t("common.loading")}</div>;
  if (!id && !session.can("operator")) return <ErrorAlert error={new Error(t("common.noPermission"))} />;

  const actions = (state ? (allowed[state] ?? []) : []).filter((a) => session.can(roleFor(a)));
  const invalidCount = Object.keys(invalid).length;
  const canSave = editable && (dirty || !id) && invalidCount === 0 && !!def.name;
  const running = state === "running" || state === "paused" || state === "scheduled";

  const sidePanel = selectedStep ? (
    <StepForm
      key={selectedStep.name}
      def={def}
      step={selectedStep}
      saved={!!id}
      editable={editable}
      channels={channels.data}
      eventTypes={eventTypes.data}
      onChange={(s) => change({ ...def, steps: def.steps.map((x) => (x.name === s.name ? s : x)) })}
      onRename={(to) => {
        change(renameStep(def, selectedStep.name, to));
        setSelected(to);
      }}
      onRemove={() => onRemove(selectedStep.name)}
      onInvalid={onInvalid}
    />
  ) : (
    <JourneySettings def={def} editable={editable} isNew={!id} eventTypes={eventTypes.data} onChange={change} onInvalid={onInvalid} />
  );

  const canvasTab = (
    <div className="journey-editor">
      <div className="journey-main">
        <div className="journey-toolbar">
          {editable && (
            <Dropdown
              trigger={["click"]}
              menu={{
                items: stepTypes.map((type) => ({
                  key: type,
                  icon: stepLook[type].icon,
                  label: <span data-testid={"journey-add-" + type}>{t(("outreach.journey.type." + type) as MessageKey)}</span>,
                })),
                onClick: ({ key }) => addStep(key as StepType),
              }}
            >
              <Button data-testid="journey-add-step">{selected ? t("outreach.journey.addAfter", { step: selected }) : t("outreach.journey.addStep")}</Button>
            </Dropdown>
          )}
          <span className="muted small">{editable ? t("outreach.journey.canvasHint") : t("outreach.journey.canvasHintReadOnly")}</span>
        </div>
        {oldSteps.length > 0 && (
          <Alert
            type="info"
            showIcon
            data-testid="journey-old-steps"
            title={t("outreach.journey.oldSteps", { steps: oldSteps.map((s) => `${s.name} (${t("common.users", { n: num(s.inside ?? 0) })})`).join("、") })}
            action={
              <Button size="small" onClick={() => setTab("versions")}>
                {t("outreach.journey.tab.versions")}
              </Button>
            }
          />
        )}
        <JourneyCanvas
          def={def}
          saved={!!id}
          live={live}
          editable={editable}
          selected={selected}
          badStep={badStep}
          visited={visited}
          onSelect={onSelect}
          onConnect={onConnect}
          onDisconnect={onDisconnect}
          onRemove={onRemove}
          onUsers={showUsers}
        />
        {liveError !== undefined && <ErrorAlert error={liveError} testId="journey-live-error" />}
        {running && <div className="muted small">{t("outreach.journey.polling")}</div>}
      </div>
      <aside className="journey-side" data-testid="journey-side">
        <div className="journey-side-head">
          <b>{selectedStep ? t("outreach.journey.stepSettings") : t("outreach.journey.settings")}</b>
          {selectedStep && (
            <Button size="small" type="link" onClick={() => setSelected(undefined)} data-testid="journey-open-settings">
              {t("outreach.journey.settings")}
            </Button>
          )}
        </div>
        {sidePanel}
      </aside>
    </div>
  );

  const items = [{ key: "canvas", label: t("outreach.journey.tab.canvas"), children: canvasTab }];
  if (id) {
    items.push(
      { key: "users", label: t("outreach.journey.tab.users"), children: <WaitingUsers id={id} def={def} step={usersStep} onStep={setUsersStep} version={liveTick} /> },
      { key: "versions", label: t("outreach.journey.tab.versions"), children: <Versions id={id} live={live} isAdmin={session.can("admin")} onMigrated={() => setLiveTick((x) => x + 1)} /> },
      { key: "history", label: t("outreach.journey.tab.history"), children: <History transitions={record?.transitions ?? []} /> },
    );
  }

  return (
    <div data-testid="journey-page" data-state={state ?? "new"} data-id={id ?? ""}>
      <PageHead
        title={
          <Space>
            <span data-testid="journey-page-title">{id ? def.title || def.name : t("outreach.journey.newTitle")}</span>
            {state && <StateTag state={state} testId="journey-page-state" />}
            {live?.version !== undefined && <Tag data-testid="journey-version">{t("outreach.journey.versionTag", { v: live.version })}</Tag>}
            {dirty && <Tag color="orange">{t("outreach.journey.unsaved")}</Tag>}
          </Space>
        }
        sub={
          <span className="small">
            <a href={href(["journeys"])}>{t("outreach.journey.back")}</a>
            {id && <span className="mono"> · {def.name}</span>}
          </span>
        }
        extra={
          <Space wrap>
            {editable && (
              <Button type="primary" onClick={save} loading={busy} disabled={!canSave} data-testid="journey-save">
                {running ? t("outreach.journey.saveVersion") : t("outreach.journey.save")}
              </Button>
            )}
            {id && (
              <Button onClick={() => setTestOpen(true)} disabled={!session.can("operator")} data-testid="journey-test-open">
                {t("outreach.journey.test.open")}
              </Button>
            )}
            {actions.map((a) => (
              <Button
                key={a}
                danger={a === "cancel" || a === "reject"}
                type={a === "submit" || a === "resume" || a === "approve" ? "primary" : "default"}
                disabled={dirty}
                onClick={() => setDialog(a)}
                data-testid={"journey-action-" + a}
              >
                {actionLabel(a)}
              </Button>
            ))}
            {id && <Button onClick={reload}>{t("common.refresh")}</Button>}
          </Space>
        }
      />
      {running && editable && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t("outreach.journey.editRunning")} />}
      {invalidCount > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t("outreach.journey.invalidFields", { n: invalidCount })} />}
      <ErrorAlert error={saveError} testId="journey-save-error" />
      <Tabs activeKey={tab} onChange={setTab} items={items} data-testid="journey-tabs" />
      {id && <TestDrawer id={id} open={testOpen} onClose={() => setTestOpen(false)} eventTypes={eventTypes.data} onTrace={setVisited} />}
      <ActionDialog
        action={dialog}
        label={dialog ? actionLabel(dialog) : ""}
        busy={busy}
        comment={comment}
        onComment={setComment}
        onOk={() => dialog && act(dialog)}
        onCancel={() => setDialog(null)}
        cancelWarning={t("outreach.journey.cancelWarning")}
        testId="journey-action"
      />
    </div>
  );
}

