// The journey's graph laid out for the canvas. The server keeps no node
// positions (a definition with unknown keys is refused), so the layout is
// computed, top to bottom, by dagre (layered, Sugiyama style): an edge that
// skips layers gets room of its own, so it never runs under a step, and
// loops through a wait are laid out like any edge. The entry node comes
// first; steps no path reaches are marked, the server will refuse them.
import dagre from "@dagrejs/dagre";
import { edgesOf, slotsOf, slotTarget, startOf, type JourneyDefinition } from "../../api/journeys";

export const nodeWidth = 236;
export const entryId = "entry:";
// Heights as rendered (journeys.css): a send shows one more row of counts.
const heightOf = (type: string) => (type === "send" ? 140 : type === "entry" ? 100 : 122);

export interface Point {
  x: number;
  y: number;
}

export interface Layout {
  positions: Record<string, Point>; // top-left corners, by step name and entryId
  // The bends of each edge (by `${from}:${slot}`), between its two ends:
  // an edge that skips layers goes around the steps between.
  bends: Record<string, Point[]>;
  unreachable: Set<string>;
}

export function layout(def: JourneyDefinition): Layout {
  const byName = new Map(def.steps.map((s) => [s.name, s]));
  const start = startOf(def);
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 56, edgesep: 24, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode(entryId, { width: nodeWidth, height: heightOf("entry") });
  for (const s of def.steps) g.setNode(s.name, { width: nodeWidth, height: heightOf(s.type) });
  if (start && byName.has(start)) g.setEdge(entryId, start, {}, "start");
  for (const e of edgesOf(def)) if (byName.has(e.to)) g.setEdge(e.from, e.to, {}, e.slot);
  dagre.layout(g);

  const positions: Layout["positions"] = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n) positions[id] = { x: n.x - n.width / 2, y: n.y - n.height / 2 };
  }
  const bends: Layout["bends"] = {};
  for (const e of g.edges()) {
    const points = g.edge(e)?.points ?? [];
    if (e.name && e.name !== "start") bends[`${e.v}:${e.name}`] = points.slice(1, -1).map((p: Point) => ({ x: p.x, y: p.y }));
  }

  // What the start reaches.
  const reached = new Set<string>();
  const queue = start && byName.has(start) ? [start] : [];
  for (const name of queue) reached.add(name);
  while (queue.length) {
    const step = byName.get(queue.shift()!)!;
    for (const slot of slotsOf(step)) {
      const to = slotTarget(step, slot);
      if (to && byName.has(to) && !reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  const unreachable = new Set(def.steps.filter((s) => !reached.has(s.name)).map((s) => s.name));
  return { positions, bends, unreachable };
}

// A structural fingerprint: the layout is recomputed when it changes (a
// step added, removed, renamed, retyped or reconnected), not on every keystroke.
export function shapeKey(def: JourneyDefinition): string {
  return [startOf(def) ?? "", ...def.steps.map((s) => `${s.name}:${s.type}`), ...edgesOf(def).map((e) => `${e.from}.${e.slot}>${e.to}`)].join("|");
}

// An SVG path from `from` through `via` to `to`: straight segments with
// rounded corners, leaving and reaching the handles vertically (they sit on
// the bottom and the top of nodes).
export function routedPath(from: Point, via: Point[], to: Point): { path: string; label: Point } {
  const pts = [from, { x: from.x, y: from.y + 14 }, ...via, { x: to.x, y: to.y - 14 }, to];
  let d = `M ${from.x} ${from.y}`;
  for (let i = 1; i < pts.length - 1; ++i) {
    const [a, b, c] = [pts[i - 1], pts[i], pts[i + 1]];
    const r = Math.min(10, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const towards = (p: Point, q: Point) => {
      const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      return { x: p.x + ((q.x - p.x) / len) * r, y: p.y + ((q.y - p.y) / len) * r };
    };
    const before = towards(b, a);
    const after = towards(b, c);
    d += ` L ${before.x} ${before.y} Q ${b.x} ${b.y} ${after.x} ${after.y}`;
  }
  d += ` L ${to.x} ${to.y}`;
  const mid = via.length ? via[Math.floor((via.length - 1) / 2)] : { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  return { path: d, label: mid };
}
