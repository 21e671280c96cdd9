/**
 * Run one task per node, each after the nodes it depends on, at most `concurrency` at once.
 * Independent nodes run in parallel; the first failure stops new tasks and is rethrown once the
 * running ones settle.
 */
export async function runGraph<T>(
  nodes: ReadonlyArray<{ id: string; deps: readonly string[] }>,
  concurrency: number,
  task: (id: string) => Promise<T>,
): Promise<Map<string, T>> {
  const limit = Math.max(1, concurrency);
  const results = new Map<string, T>();
  const pending = new Map(nodes.map((node) => [node.id, new Set(node.deps)]));
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;

  const launchReady = () => {
    for (const [id, deps] of pending) {
      if (failure || running.size >= limit) return;
      if ([...deps].some((dep) => !results.has(dep))) continue;
      pending.delete(id);
      // A task that throws before returning its promise fails like one that rejects.
      const run: Promise<void> = new Promise<T>((resolve) => resolve(task(id))).then(
        (value) => {
          results.set(id, value);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      );
      const tracked = run.finally(() => running.delete(tracked));
      running.add(tracked);
    }
  };

  launchReady();
  while (running.size > 0) {
    await Promise.race(running);
    launchReady();
  }
  if (failure) throw failure.error;
  if (pending.size > 0)
    throw new Error(`internal: unresolvable dependencies for ${[...pending.keys()].join(", ")}`);
  return results;
}
