// The longest (critical) path through a dependency graph whose nodes carry durations: the earliest finish of
// a node is its duration after the latest finish among what it waits for. A cycle is refused with its members.

export interface GraphNode {
    id: string;
    /** Minutes this node takes once everything it waits for has finished. */
    minutes: number;
    /** Ids it waits for; ids not in the graph are ignored (e.g. the root stack). */
    after: string[];
}

export interface Schedule {
    /** Earliest start and finish per node, in minutes from the start of the deployment. */
    start: Map<string, number>;
    finish: Map<string, number>;
    /** The chain that bounds the total, first to last. */
    criticalPath: string[];
    total: number;
}

export class CycleError extends Error {
    constructor(readonly cycle: string[]) {
        super(`the dependency graph has a cycle: ${cycle.join(" -> ")}`);
        this.name = "CycleError";
    }
}

/**
 * Schedules every node as early as its dependencies allow (unlimited parallelism) and returns the chain that
 * ends last. Ties are broken by id, so the result is deterministic.
 */
export function schedule(nodes: GraphNode[]): Schedule {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const ids = [...byId.keys()].sort();
    const state = new Map<string, "visiting" | "done">();
    const finish = new Map<string, number>();
    const start = new Map<string, number>();
    const via = new Map<string, string | undefined>();

    // Iterative depth-first search (graphs of a few thousand nodes must not exhaust the stack).
    for (const root of ids) {
        if (state.get(root) === "done") continue;
        const stack: { id: string; deps: string[]; i: number }[] = [];
        const push = (id: string) => {
            state.set(id, "visiting");
            const deps = [...new Set(byId.get(id)?.after ?? [])].filter((d) => byId.has(d) && d !== id).sort();
            stack.push({ id, deps, i: 0 });
        };
        push(root);
        while (stack.length > 0) {
            const top = stack[stack.length - 1];
            if (top.i < top.deps.length) {
                const d = top.deps[top.i++];
                const s = state.get(d);
                if (s === "visiting") {
                    const from = stack.findIndex((f) => f.id === d);
                    throw new CycleError([...stack.slice(from).map((f) => f.id), d]);
                }
                if (s !== "done") push(d);
                continue;
            }
            let best: string | undefined;
            let at = 0;
            for (const d of top.deps) {
                const f = finish.get(d) ?? 0;
                if (best === undefined || f > at) {
                    best = d;
                    at = f;
                }
            }
            const node = byId.get(top.id) as GraphNode;
            start.set(top.id, at);
            finish.set(top.id, at + Math.max(0, node.minutes));
            via.set(top.id, best);
            state.set(top.id, "done");
            stack.pop();
        }
    }

    let last: string | undefined;
    let total = 0;
    for (const id of ids) {
        const f = finish.get(id) ?? 0;
        if (last === undefined || f > total) {
            last = id;
            total = f;
        }
    }
    const criticalPath: string[] = [];
    for (let cur = last; cur !== undefined; cur = via.get(cur)) criticalPath.unshift(cur);
    // Leading zero-length links (components, providers) add nothing; keep the chain from the first that takes time,
    // but keep at least the last node.
    while (criticalPath.length > 1 && (byId.get(criticalPath[0])?.minutes ?? 0) === 0) criticalPath.shift();
    return { start, finish, criticalPath, total };
}
