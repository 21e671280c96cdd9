import { SpecPromptError } from "../errors.js";

/** The dependency shape of units: anything with optional `needs`, keyed by unit name in manifest order. */
export type UnitGraph = Record<string, { needs?: readonly string[] }>;

/**
 * Unit names with every unit after the units it needs. Among units that are ready at the same
 * time, manifest order wins, so the order only changes when the manifest does.
 * Unknown names in `needs` are ignored (the manifest check reports them); a cycle throws E_UNITS.
 */
export function orderUnits(units: UnitGraph): string[] {
  const names = Object.keys(units);
  const index = new Map(names.map((name, i) => [name, i]));
  const waitingOn = new Array<number>(names.length).fill(0);
  const dependents: number[][] = names.map(() => []);
  names.forEach((name, i) => {
    for (const need of new Set(units[name]!.needs ?? [])) {
      const j = index.get(need);
      if (j === undefined || j === i) continue;
      waitingOn[i]!++;
      dependents[j]!.push(i);
    }
  });
  const ready = new MinHeap();
  waitingOn.forEach((count, i) => {
    if (count === 0) ready.push(i);
  });
  const order: string[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    order.push(names[i]!);
    for (const j of dependents[i]!) {
      if (--waitingOn[j]! === 0) ready.push(j);
    }
  }
  if (order.length < names.length) {
    const cycle = findCycle(units) ?? [];
    throw new SpecPromptError("E_UNITS", `units form a cycle: ${cycle.join(" → ")}`);
  }
  return order;
}

/**
 * A cycle among units as a closed path (`["a", "b", "c", "a"]`), starting at the unit that comes
 * first in the manifest; undefined when there is none. A unit needing itself is a cycle of one.
 */
export function findCycle(units: UnitGraph): string[] | undefined {
  const names = Object.keys(units);
  const state = new Map<string, "open" | "done">();
  for (const root of names) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const pending: string[][] = [[...(units[root]!.needs ?? [])].reverse()];
    state.set(root, "open");
    while (path.length > 0) {
      const next = pending[pending.length - 1]!.pop();
      if (next === undefined) {
        state.set(path.pop()!, "done");
        pending.pop();
        continue;
      }
      if (!(next in units) || state.get(next) === "done") continue;
      if (state.get(next) === "open") {
        return rotateCycle(path.slice(path.indexOf(next)), names);
      }
      state.set(next, "open");
      path.push(next);
      pending.push([...(units[next]!.needs ?? [])].reverse());
    }
  }
  return undefined;
}

/** Every unit that needs `name`, directly or through others, in manifest order. */
export function findDependents(units: UnitGraph, name: string): string[] {
  const neededBy = new Map<string, string[]>();
  for (const [unit, spec] of Object.entries(units)) {
    for (const need of spec.needs ?? []) {
      const list = neededBy.get(need);
      if (list) list.push(unit);
      else neededBy.set(need, [unit]);
    }
  }
  const found = new Set<string>();
  const queue = [name];
  for (let current = queue.pop(); current !== undefined; current = queue.pop()) {
    for (const unit of neededBy.get(current) ?? []) {
      if (found.has(unit)) continue;
      found.add(unit);
      queue.push(unit);
    }
  }
  found.delete(name);
  return Object.keys(units).filter((unit) => found.has(unit));
}

function rotateCycle(cycle: string[], names: string[]): string[] {
  let start = 0;
  cycle.forEach((name, i) => {
    if (names.indexOf(name) < names.indexOf(cycle[start]!)) start = i;
  });
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
  return [...rotated, rotated[0]!];
}

/** A binary heap of manifest indexes: the ready unit that comes first in the manifest pops first. */
class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]! < items[left]! ? right : left;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
