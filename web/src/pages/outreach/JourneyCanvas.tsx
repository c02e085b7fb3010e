// The journey's canvas (React Flow): an entry node, one node per step
// (icon and colour by type, a summary of its settings, its live counts and a
// link to its population in insight) and the edges its `next` / `yes` /
// `no` / `timeout_next` / split paths name, labelled. When editable, steps
// are connected by dragging from a slot's handle to a step, and edges and
// steps are removed with Delete; the settings are edited in the side panel.
import { memo, useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import {
  Background,
  BaseEdge,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type EdgeChange,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
  type ReactFlowInstance,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import SendOutlined from "@ant-design/icons/SendOutlined";
import ClockCircleOutlined from "@ant-design/icons/ClockCircleOutlined";
import ThunderboltOutlined from "@ant-design/icons/ThunderboltOutlined";
import BranchesOutlined from "@ant-design/icons/BranchesOutlined";
import PartitionOutlined from "@ant-design/icons/PartitionOutlined";
import LogoutOutlined from "@ant-design/icons/LogoutOutlined";
import PlayCircleOutlined from "@ant-design/icons/PlayCircleOutlined";
import { href } from "../../app/router";
import { quote } from "../../components/expression/lang";
import { useI18n, type MessageKey } from "../../i18n";
import {
  edgesOf,
  slotsOf,
  slotTarget,
  startOf,
  stepSegment,
  type JourneyDefinition,
  type JourneyLive,
  type JourneyStep,
  type StepCounts,
} from "../../api/journeys";
import { useTimeText } from "./common";
import { entryId, layout, nodeWidth, routedPath, shapeKey, type Point } from "./journeyGraph";

export const stepLook: Record<string, { color: string; icon: ReactNode }> = {
  send: { color: "#3370ff", icon: <SendOutlined /> },
  wait: { color: "#8f959e", icon: <ClockCircleOutlined /> },
  wait_event: { color: "#f5a623", icon: <ThunderboltOutlined /> },
  branch: { color: "#7b61ff", icon: <BranchesOutlined /> },
  split: { color: "#14a9a0", icon: <PartitionOutlined /> },
  exit: { color: "#d83931", icon: <LogoutOutlined /> },
};

const countFields = ["entered", "inside", "sent", "converted", "exited"] as const;

type T = (k: MessageKey, p?: Record<string, string | number>) => string;

// One line saying what a step does.
export function stepSummary(t: T, step: JourneyStep): string {
  switch (step.type) {
    case "send":
      return step.channel ? t("outreach.journey.summary.send", { channel: step.channel }) : t("outreach.journey.summary.noChannel");
    case "wait":
      return step.until ? t("outreach.journey.summary.until", { time: step.until }) : t("outreach.journey.summary.wait", { duration: step.duration ?? "?" });
    case "wait_event":
      return t("outreach.journey.summary.waitEvent", { event: step.event ?? "?", timeout: step.timeout ?? "?" });
    case "branch":
      return step.condition || t("outreach.journey.summary.noCondition");
    case "split":
      return t("outreach.journey.summary.split", { n: (step.paths ?? []).length });
    default:
      return t("outreach.journey.summary.exit");
  }
}

// The label of an outgoing slot.
export function slotLabel(t: T, pct: (x: number, d?: number) => string, step: JourneyStep, slot: string): string {
  if (slot === "yes") return t("outreach.journey.slot.yes");
  if (slot === "no") return t("outreach.journey.slot.no");
  if (slot === "timeout_next") return t("outreach.journey.slot.timeout");
  if (slot.startsWith("paths.")) {
    const p = step.paths?.[Number(slot.slice(6))];
    if (!p) return slot;
    return `${p.name} ${pct(p.share ?? 0, 0)}${p.control ? " · " + t("outreach.journey.slot.control") : ""}`;
  }
  return step.type === "wait_event" ? t("outreach.journey.slot.eventCame") : "";
}

interface StepData extends Record<string, unknown> {
  step: JourneyStep;
  journey: string;
  counts?: StepCounts;
  isStart: boolean;
  bad: boolean; // named by the server's last error
  unreachable: boolean;
  visited: boolean; // on the last test run's trace
  editable: boolean;
  saved: boolean; // a saved journey: its populations and waiting users exist
  slotOrder: string[]; // the outgoing slots left to right, as their edges leave (fewer crossings)
  onUsers: (step: string) => void;
}

interface EntryData extends Record<string, unknown> {
  def: JourneyDefinition;
  live?: JourneyLive;
}

const StepNode = memo(function StepNode({ id, data, selected }: NodeProps<Node<StepData>>) {
  const { t, num } = useI18n();
  const { step, counts } = data;
  // Handles moved (slots added, removed or reordered): React Flow measures them again.
  const updateInternals = useUpdateNodeInternals();
  const handleKey = data.slotOrder.join(",");
  useEffect(() => updateInternals(id), [id, handleKey, updateInternals]);
  const look = stepLook[step.type] ?? stepLook.exit;
  const slots = data.slotOrder;
  const segment = counts?.segment || stepSegment(data.journey, step.name);
  const cls = ["journey-node", selected ? "selected" : "", data.bad ? "bad" : "", data.visited ? "visited" : "", data.unreachable ? "unreachable" : ""].join(" ");
  const value = (f: (typeof countFields)[number]) => {
    if (!counts) return undefined;
    if (f === "inside") return counts.inside ?? counts.waiting;
    return counts[f];
  };
  const shown = countFields.filter((f) => (f === "sent" ? step.type === "send" : true));
  return (
    <div className={cls} style={{ borderTopColor: look.color, width: nodeWidth }} data-testid={"journey-node-" + step.name} data-type={step.type} data-visited={data.visited ? "1" : undefined}>
      <Handle type="target" position={Position.Top} id="in" isConnectable={data.editable} />
      <div className="journey-node-head">
        <span className="journey-node-icon" style={{ background: look.color }}>
          {look.icon}
        </span>
        <span className="journey-node-name mono">{step.name}</span>
        <span className="journey-node-type">{t(("outreach.journey.type." + step.type) as MessageKey)}</span>
      </div>
      <div className="journey-node-summary small" title={stepSummary(t, step)}>
        {stepSummary(t, step)}
      </div>
      <div className="journey-node-counts">
        {shown.map((f) => {
          const v = value(f);
          return (
            <span
              key={f}
              className="journey-count"
              data-testid={`journey-count-${step.name}-${f}`}
              data-value={v ?? ""}
              title={f === "exited" && counts?.exit_reasons ? Object.entries(counts.exit_reasons).map(([why, n]) => `${why}: ${num(n)}`).join("\n") : undefined}
            >
              <span className="muted">{t(("outreach.journey.count." + f) as MessageKey)}</span> <b>{v === undefined ? "—" : num(v)}</b>
            </span>
          );
        })}
      </div>
      {data.saved && (
        <div className="journey-node-links small">
          <a href={href(["insight"], { expr: `SEGMENT(${quote(segment)})` })} onClick={(e) => e.stopPropagation()} className="nodrag" data-testid={"journey-node-insight-" + step.name}>
            {t("outreach.journey.population")}
          </a>
          <a
            className="nodrag"
            onClick={(e) => {
              e.stopPropagation();
              data.onUsers(step.name);
            }}
            data-testid={"journey-node-users-" + step.name}
          >
            {t("outreach.journey.waitingUsers")}
          </a>
        </div>
      )}
      {slots.map((slot, i) => (
        <Handle
          key={slot}
          type="source"
          position={Position.Bottom}
          id={slot}
          isConnectable={data.editable}
          style={{ left: `${((i + 1) / (slots.length + 1)) * 100}%`, background: slot === "no" || slot === "timeout_next" ? "#d83931" : look.color }}
          data-testid={`journey-handle-${step.name}-${slot}`}
        />
      ))}
    </div>
  );
});

const EntryNode = memo(function EntryNode({ data }: NodeProps<Node<EntryData>>) {
  const { t, num } = useI18n();
  const timeText = useTimeText();
  const { def, live } = data;
  const entry = def.entry ?? {};
  const text = entry.schedule
    ? t("outreach.journey.entrySchedule", { cron: entry.schedule })
    : entry.event
      ? t("outreach.journey.entryEvent", { event: entry.event })
      : t("outreach.journey.entryNone");
  const totals = live?.totals;
  return (
    <div className="journey-node journey-entry" style={{ width: nodeWidth }} data-testid="journey-node-entry">
      <div className="journey-node-head">
        <span className="journey-node-icon" style={{ background: "#1e7b36" }}>
          <PlayCircleOutlined />
        </span>
        <span className="journey-node-name">{t("outreach.journey.entry")}</span>
      </div>
      <div className="journey-node-summary small">{text}</div>
      {live?.entry?.next_at && (
        <div className="journey-node-summary small muted" data-testid="journey-entry-next">
          {t("outreach.journey.nextAt", { time: timeText(live.entry.next_at) })}
        </div>
      )}
      <div className="journey-node-counts">
        {(["entered", "inside", "converted", "control"] as const).map((f) => (
          <span key={f} className="journey-count" data-testid={"journey-total-" + f} data-value={totals?.[f] ?? ""}>
            <span className="muted">{t(("outreach.journey.total." + f) as MessageKey)}</span> <b>{totals?.[f] === undefined ? "—" : num(totals[f]!)}</b>
          </span>
        ))}
      </div>
      <Handle type="source" position={Position.Bottom} id="start" isConnectable={false} />
    </div>
  );
});

const nodeTypes = { step: StepNode, entry: EntryNode };

// An edge along the layout's bends (so an edge that skips layers passes
// beside the steps between, not under them); straight from handle to
// handle once a node was dragged.
function RoutedEdge(props: EdgeProps<Edge<{ bends?: Point[] }>>) {
  const { sourceX, sourceY, targetX, targetY, data, label, labelStyle, labelBgStyle, labelBgPadding, style, markerEnd, interactionWidth } = props;
  const { path, label: at } = routedPath({ x: sourceX, y: sourceY }, data?.bends ?? [], { x: targetX, y: targetY });
  return (
    <BaseEdge
      path={path}
      labelX={at.x}
      labelY={at.y}
      label={label}
      labelStyle={labelStyle}
      labelBgStyle={labelBgStyle}
      labelBgPadding={labelBgPadding}
      style={style}
      markerEnd={markerEnd}
      interactionWidth={interactionWidth}
    />
  );
}

const edgeTypes = { routed: RoutedEdge };

export interface CanvasProps {
  def: JourneyDefinition;
  saved: boolean;
  live?: JourneyLive;
  editable: boolean;
  selected?: string;
  badStep?: string;
  visited?: string[];
  onSelect: (step: string | undefined) => void;
  onConnect: (from: string, slot: string, to: string) => void;
  onDisconnect: (from: string, slot: string) => void;
  onRemove: (step: string) => void;
  onUsers: (step: string) => void;
}

export default function JourneyCanvas(props: CanvasProps) {
  const { def, saved, live, editable, selected, badStep, visited, onSelect, onConnect, onDisconnect, onRemove, onUsers } = props;
  const { t, pct } = useI18n();
  const shape = shapeKey(def);
  const laid = useMemo(() => layout(def), [shape]); // eslint-disable-line react-hooks/exhaustive-deps
  // Positions the user dragged, until the graph's shape changes.
  const [moved, setMoved] = useState<Record<string, { x: number; y: number }>>({});
  useEffect(() => setMoved({}), [shape]);
  // The whole graph in view again when its shape changes (once the new nodes are measured).
  const [flow, setFlow] = useState<ReactFlowInstance>();
  useEffect(() => {
    if (!flow) return;
    const timer = setTimeout(() => flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 }), 60);
    return () => clearTimeout(timer);
  }, [flow, shape]);
  // Sizes React Flow measured: the nodes are rebuilt from the definition on
  // every change, and a node without its measured size is hidden until measured again.
  const [sizes, setSizes] = useState<Record<string, { width: number; height: number }>>({});

  // A step's slots ordered by where their edges go: the first bend, else the target's centre.
  const slotOrder = (step: JourneyStep) => {
    const xOf = (slot: string) => {
      const bend = laid.bends[`${step.name}:${slot}`]?.[0];
      if (bend) return bend.x;
      const to = slotTarget(step, slot);
      const p = to ? (moved[to] ?? laid.positions[to]) : undefined;
      return p ? p.x + nodeWidth / 2 : Number.POSITIVE_INFINITY;
    };
    const slots = slotsOf(step);
    return [...slots].sort((a, b) => xOf(a) - xOf(b) || slots.indexOf(a) - slots.indexOf(b));
  };
  const countsOf = useMemo(() => new Map((live?.steps ?? []).map((s) => [s.name, s])), [live]);
  const visitedSet = useMemo(() => new Set(visited ?? []), [visited]);
  const start = startOf(def);

  const nodes = useMemo<Node[]>(() => {
    const out: Node[] = [
      {
        id: entryId,
        type: "entry",
        position: moved[entryId] ?? laid.positions[entryId] ?? { x: -nodeWidth / 2, y: -150 },
        measured: sizes[entryId],
        data: { def, live } satisfies EntryData,
        selectable: false,
        deletable: false,
      },
    ];
    for (const step of def.steps) {
      out.push({
        id: step.name,
        type: "step",
        position: moved[step.name] ?? laid.positions[step.name] ?? { x: 0, y: 0 },
        measured: sizes[step.name],
        selected: step.name === selected,
        deletable: editable,
        data: {
          step,
          journey: def.name,
          counts: countsOf.get(step.name),
          isStart: step.name === start,
          bad: step.name === badStep,
          unreachable: laid.unreachable.has(step.name),
          visited: visitedSet.has(step.name),
          editable,
          saved,
          slotOrder: slotOrder(step),
          onUsers,
        } satisfies StepData,
      });
    }
    return out;
  }, [def, live, laid, moved, sizes, selected, badStep, visitedSet, countsOf, editable, saved, start, onUsers]);

  const edges = useMemo<Edge[]>(() => {
    const byName = new Map(def.steps.map((s) => [s.name, s]));
    const out: Edge[] = [];
    if (start && byName.has(start)) out.push({ id: "entry", source: entryId, sourceHandle: "start", target: start, targetHandle: "in", deletable: false, markerEnd: { type: MarkerType.ArrowClosed } });
    const trail = visited ?? [];
    const walked = new Set(trail.slice(1).map((to, i) => `${trail[i]}>${to}`));
    for (const e of edgesOf(def)) {
      if (!byName.has(e.to)) continue; // a dangling name: the server names it in its error
      const step = byName.get(e.from)!;
      const label = slotLabel(t, pct, step, e.slot);
      const negative = e.slot === "no" || e.slot === "timeout_next";
      const on = walked.has(`${e.from}>${e.to}`);
      out.push({
        id: `${e.from}:${e.slot}`,
        source: e.from,
        sourceHandle: e.slot,
        target: e.to,
        targetHandle: "in",
        type: "routed",
        data: { bends: moved[e.from] || moved[e.to] ? [] : (laid.bends[`${e.from}:${e.slot}`] ?? []) },
        label: label || undefined,
        labelBgPadding: [4, 2],
        labelStyle: { fontSize: 12, fill: negative ? "#d83931" : "#1f2329" },
        animated: on,
        deletable: editable,
        style: on ? { stroke: "#1e7b36", strokeWidth: 2.5 } : negative ? { stroke: "#e6a19c" } : undefined,
        markerEnd: { type: MarkerType.ArrowClosed },
      });
    }
    return out;
  }, [def, start, visited, editable, laid, moved, t, pct]);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      for (const c of changes) {
        if (c.type === "dimensions" && c.dimensions) {
          const d = c.dimensions;
          setSizes((m) => (m[c.id]?.width === d.width && m[c.id]?.height === d.height ? m : { ...m, [c.id]: d }));
        }
        if (c.type === "position" && c.position) setMoved((m) => ({ ...m, [c.id]: c.position! }));
        if (c.type === "select" && c.selected && c.id !== entryId) onSelect(c.id);
        if (c.type === "remove" && editable && c.id !== entryId) onRemove(c.id);
      }
    },
    [editable, onRemove, onSelect],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      if (!editable) return;
      for (const c of changes) {
        if (c.type !== "remove" || c.id === "entry") continue;
        const i = c.id.indexOf(":");
        onDisconnect(c.id.slice(0, i), c.id.slice(i + 1));
      }
    },
    [editable, onDisconnect],
  );
  const connect = useCallback(
    (c: Connection) => {
      if (!editable || !c.source || !c.sourceHandle || !c.target || c.target === entryId) return;
      onConnect(c.source, c.sourceHandle, c.target);
    },
    [editable, onConnect],
  );

  return (
    <div className="journey-canvas" data-testid="journey-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onPaneClick={() => onSelect(undefined)}
        nodesConnectable={editable}
        nodesDraggable
        elementsSelectable
        deleteKeyCode={editable ? ["Delete", "Backspace"] : null}
        onInit={setFlow}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.2}
        maxZoom={1.5}
      >
        <Background gap={16} color="#e4e6eb" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
