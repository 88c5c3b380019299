// Derivative-free minimiser for the Huber objective. The installed optimiser (ml-levenberg-marquardt)
// minimises sums of squares only; Huber with δ = 1e-3 is almost an L1 loss with a kink the size of the
// residuals, where gradient steps stall, so a simplex method is the natural fit. Restarted until a
// fresh simplex no longer improves (Nelder–Mead can stop on a non-stationary point otherwise).

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate. */
  step: readonly number[]
  maxEvaluations?: number
  /** Stop when the simplex's spread of values is below this (absolute). */
  valueTolerance?: number
  /** …and its largest coordinate extent is below this. */
  pointTolerance?: number
  restarts?: number
}

export interface NelderMeadResult {
  point: number[]
  value: number
  evaluations: number
  /** True when the tolerances were met (and a restart found no improvement) within the budget. */
  converged: boolean
}

function simplexRun(f: (p: number[]) => number, start: number[], step: readonly number[], budget: number, valueTol: number, pointTol: number) {
  const dim = start.length
  let evaluations = 0
  const evaluate = (p: number[]): number => {
    evaluations++
    const value = f(p)
    return Number.isNaN(value) ? Infinity : value
  }
  const simplex: { p: number[]; v: number }[] = [{ p: start.slice(), v: evaluate(start) }]
  for (let i = 0; i < dim; i++) {
    const p = start.slice()
    p[i] = p[i]! + step[i]!
    simplex.push({ p, v: evaluate(p) })
  }
  let converged = false
  while (evaluations < budget) {
    simplex.sort((u, w) => u.v - w.v)
    const best = simplex[0]!
    const worst = simplex[dim]!
    let extent = 0
    for (const vertex of simplex) for (let i = 0; i < dim; i++) extent = Math.max(extent, Math.abs(vertex.p[i]! - best.p[i]!))
    if (worst.v - best.v <= valueTol && extent <= pointTol) {
      converged = true
      break
    }
    const centroid = new Array<number>(dim).fill(0)
    for (let j = 0; j < dim; j++) for (let i = 0; i < dim; i++) centroid[i] = centroid[i]! + simplex[j]!.p[i]! / dim
    const along = (t: number) => centroid.map((c, i) => c + t * (worst.p[i]! - c))
    const reflected = along(-1)
    const reflectedValue = evaluate(reflected)
    const secondWorst = simplex[dim - 1]!.v
    if (reflectedValue < best.v) {
      const expanded = along(-2)
      const expandedValue = evaluate(expanded)
      simplex[dim] = expandedValue < reflectedValue ? { p: expanded, v: expandedValue } : { p: reflected, v: reflectedValue }
    } else if (reflectedValue < secondWorst) {
      simplex[dim] = { p: reflected, v: reflectedValue }
    } else {
      const outside = reflectedValue < worst.v
      const contracted = along(outside ? -0.5 : 0.5)
      const contractedValue = evaluate(contracted)
      if (contractedValue < (outside ? reflectedValue : worst.v)) {
        simplex[dim] = { p: contracted, v: contractedValue }
      } else {
        for (let j = 1; j <= dim; j++) {
          const p = simplex[j]!.p.map((x, i) => best.p[i]! + 0.5 * (x - best.p[i]!))
          simplex[j] = { p, v: evaluate(p) }
        }
      }
    }
  }
  simplex.sort((u, w) => u.v - w.v)
  return { point: simplex[0]!.p, value: simplex[0]!.v, evaluations, converged }
}

export function nelderMead(f: (p: number[]) => number, start: readonly number[], options: NelderMeadOptions): NelderMeadResult {
  if (options.step.length !== start.length) throw new Error(`nelderMead: step has ${options.step.length} entries for ${start.length} parameters`)
  const budget = options.maxEvaluations ?? 2000 * start.length
  const valueTol = options.valueTolerance ?? 1e-12
  const pointTol = options.pointTolerance ?? 1e-9
  const restarts = options.restarts ?? 2
  let result = simplexRun(f, start.slice(), options.step, budget, valueTol, pointTol)
  let evaluations = result.evaluations
  let converged = result.converged
  for (let r = 0; r < restarts && evaluations < budget; r++) {
    // Restart with a smaller simplex around the best point; accept if it improves.
    const step = options.step.map(s => s * 0.1)
    const again = simplexRun(f, result.point, step, budget - evaluations, valueTol, pointTol)
    evaluations += again.evaluations
    const improved = again.value < result.value - valueTol
    if (again.value < result.value) result = again
    converged = again.converged && !improved
    if (!improved) break
  }
  return { point: result.point, value: result.value, evaluations, converged }
}
