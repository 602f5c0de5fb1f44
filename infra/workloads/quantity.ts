// Kubernetes resource quantities ("500m", "2", "512Mi", "1e3") as numbers, so arguments can be compared
// (memory limit >= request, cpu limit >= request) before anything is declared.
// Suffixes from k8s.io/apimachinery/pkg/api/resource (quantity.go): binary Ki..Ei, decimal n,u,m,k,M,G,T,P,E.
const SUFFIX: Record<string, number> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** The quantity's value in base units, or undefined when the text is not a Kubernetes quantity. */
export function parseQuantity(text: string): number | undefined {
    const m = /^([+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/.exec(text);
    if (!m) return undefined;
    const n = Number(m[1]);
    if (m[3] !== undefined) return n * 10 ** Number(m[3]);
    return n * SUFFIX[m[2] ?? ""];
}
