// The journey's graph laid out for the canvas. The server keeps no node
// positions (a definition with unknown keys is refused), so the layout is
// computed: layers top to bottom by the longest path from the start step
// (edges closing a loop aside), each layer in the order a depth-first walk
// reaches its steps (the slots' order: next before timeout, yes before no,
// paths in order) and centred;
// steps no path reaches go to a last layer of their own, where they stand
// out as what the server will refuse.
import { edgesOf, slotsOf, slotTarget, startOf, type JourneyDefinition } from "../../api/journeys";

export const nodeWidth = 236;
export const nodeHeight = 150;
const gapX = 48;
const gapY = 76;

export interface Layout {
  positions: Record<string, { x: number; y: number }>;
  unreachable: Set<string>;
}

export function layout(def: JourneyDefinition): Layout {
  const byName = new Map(def.steps.map((s) => [s.name, s]));
  const targets = (name: string) => {
    const step = byName.get(name)!;
    return slotsOf(step)
      .map((slot) => slotTarget(step, slot))
      .filter((to): to is string => !!to && byName.has(to));
  };
  // Depth-first from the start: the order steps are reached in, and the
  // edges that close a cycle (a wait loop), which the layering ignores.
  const order: string[] = [];
  const back = new Set<string>();
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const start = startOf(def);
  const visit = (name: string) => {
    state.set(name, 1);
    order.push(name);
    for (const to of targets(name)) {
      if (state.get(to) === 1) back.add(`${name}>${to}`);
      else if (!state.has(to)) visit(to);
    }
    state.set(name, 2);
  };
  if (start && byName.has(start)) visit(start);
  // A step's layer is its longest path from the start, so an exit many
  // paths reach sits below all of them.
  const layerOf = new Map<string, number>(order.map((n) => [n, 0]));
  for (let changed = true, rounds = 0; changed && rounds <= order.length; ++rounds) {
    changed = false;
    for (const from of order) {
      for (const to of targets(from)) {
        if (back.has(`${from}>${to}`)) continue;
        const want = layerOf.get(from)! + 1;
        if (want > layerOf.get(to)!) {
          layerOf.set(to, want);
          changed = true;
        }
      }
    }
  }
  const layers: string[][] = [];
  for (const name of order) (layers[layerOf.get(name)!] ??= []).push(name);
  const unreachable = new Set(def.steps.filter((s) => !layerOf.has(s.name)).map((s) => s.name));
  if (unreachable.size) layers.push([...unreachable]);
  const positions: Layout["positions"] = {};
  layers.filter(Boolean).forEach((names, depth) => {
    const width = names.length * nodeWidth + (names.length - 1) * gapX;
    names.forEach((name, i) => {
      positions[name] = { x: i * (nodeWidth + gapX) - width / 2, y: depth * (nodeHeight + gapY) };
    });
  });
  return { positions, unreachable };
}

// A structural fingerprint: the layout is recomputed when it changes (a
// step added, removed, renamed or reconnected), not on every keystroke.
export function shapeKey(def: JourneyDefinition): string {
  return [startOf(def) ?? "", ...def.steps.map((s) => s.name), ...edgesOf(def).map((e) => `${e.from}.${e.slot}>${e.to}`)].join("|");
}
