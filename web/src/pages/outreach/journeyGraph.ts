// The journey's graph laid out for the canvas. The server keeps no node
// positions (a definition with unknown keys is refused), so the layout is
// computed: layers top to bottom by the breadth-first distance from the
// start step, each layer in the order its steps were reached (the slots'
// order: next before timeout, yes before no, paths in order) and centred;
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
  const layerOf = new Map<string, number>();
  const layers: string[][] = [];
  const start = startOf(def);
  if (start && byName.has(start)) {
    layerOf.set(start, 0);
    layers.push([start]);
    const queue = [start];
    while (queue.length) {
      const name = queue.shift()!;
      const step = byName.get(name)!;
      const depth = layerOf.get(name)!;
      for (const slot of slotsOf(step)) {
        const to = slotTarget(step, slot);
        if (!to || !byName.has(to) || layerOf.has(to)) continue;
        layerOf.set(to, depth + 1);
        (layers[depth + 1] ??= []).push(to);
        queue.push(to);
      }
    }
  }
  const unreachable = new Set(def.steps.filter((s) => !layerOf.has(s.name)).map((s) => s.name));
  if (unreachable.size) layers.push([...unreachable]);
  const positions: Layout["positions"] = {};
  layers.forEach((names, depth) => {
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
