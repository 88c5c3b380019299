// The quality–speed Pareto front: the models no other model beats on both (at least as fast and at least as good,
// strictly better on one).

export interface ParetoCandidate {
  /** Higher is better (e.g. tokens/s). */
  readonly speed: number
  /** Lower is better (e.g. perplexity). */
  readonly loss: number
}

/** For each candidate, whether it is on the front. */
export function paretoFront(candidates: readonly ParetoCandidate[]): boolean[] {
  return candidates.map((m, i) => !candidates.some((o, j) => j !== i && o.speed >= m.speed && o.loss <= m.loss && (o.speed > m.speed || o.loss < m.loss)))
}
