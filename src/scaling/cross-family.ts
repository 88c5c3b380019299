/**
 * Scaling across model families with different tokenizers, in bits per byte: log(bpb) = a_f − α · log N with a
 * shared exponent and one offset per family, and log(bpb) = a_f − α_f · log N with one exponent per family, both by
 * least squares with t intervals from the pooled residual variance, and an F test of whether the exponents differ.
 * With a shared exponent, a_f − a_g is family f's log-ratio of bits per byte to family g's at any equal size.
 */
import { regularizedIncompleteBeta, studentTCritical, studentTTwoSidedPValue } from './student-t.ts'

export interface FamilyPoint {
  readonly model: string
  /** The family the model declares (never guessed from its name). */
  readonly family: string
  readonly params: number
  readonly bitsPerByte: number
}

export interface Estimate {
  readonly value: number
  readonly se: number
  readonly interval: readonly [number, number]
}

export interface FamilyComparison {
  /** Family ahead (lower bits per byte at equal size) under the shared exponent. */
  readonly ahead: string
  readonly behind: string
  /** bpb(behind) / bpb(ahead) at equal size, with its interval. */
  readonly ratio: Estimate
  /** Whether the interval of the log-ratio excludes 0 at the fit's level. */
  readonly distinguishable: boolean
}

export interface CrossFamilyFit {
  readonly level: number
  readonly families: readonly string[]
  readonly shared: { readonly exponent: Estimate; readonly offsets: Readonly<Record<string, Estimate>>; readonly dof: number }
  readonly perFamily: { readonly exponents: Readonly<Record<string, Estimate>>; readonly dof: number }
  /** F test of per-family exponents against one shared exponent. */
  readonly exponentsDiffer: { readonly f: number; readonly dof: readonly [number, number]; readonly pValue: number }
  /** Every pair of families, ahead first. */
  readonly comparisons: readonly FamilyComparison[]
}

interface Group {
  readonly x: number[]
  readonly y: number[]
  readonly xMean: number
  readonly yMean: number
  readonly sxx: number
  readonly sxy: number
}

export function fitCrossFamily(points: readonly FamilyPoint[], level = 0.95): CrossFamilyFit {
  for (const p of points) {
    if (!(p.params > 0) || !(p.bitsPerByte > 0) || !Number.isFinite(p.params) || !Number.isFinite(p.bitsPerByte)) {
      throw new Error(`fitCrossFamily: model ${p.model} needs positive finite params and bitsPerByte (got ${p.params}, ${p.bitsPerByte})`)
    }
  }
  const families = [...new Set(points.map(p => p.family))].sort()
  if (families.length < 2) throw new Error(`fitCrossFamily: need at least 2 families, got ${families.join(', ') || 'none'}`)
  const groups = new Map<string, Group>()
  for (const family of families) {
    const own = points.filter(p => p.family === family)
    const x = own.map(p => Math.log(p.params))
    const y = own.map(p => Math.log(p.bitsPerByte))
    if (new Set(x).size < 3) throw new Error(`fitCrossFamily: family ${family} needs at least 3 distinct sizes for its own exponent, got ${new Set(x).size}`)
    const xMean = x.reduce((a, b) => a + b, 0) / x.length
    const yMean = y.reduce((a, b) => a + b, 0) / y.length
    const sxx = x.reduce((s, v) => s + (v - xMean) ** 2, 0)
    const sxy = x.reduce((s, v, i) => s + (v - xMean) * (y[i]! - yMean), 0)
    groups.set(family, { x, y, xMean, yMean, sxx, sxy })
  }
  const n = points.length
  const k = families.length
  const all = [...groups.values()]
  const estimate = (value: number, se: number, t: number): Estimate => ({ value, se, interval: [value - t * se, value + t * se] })

  // Shared exponent: the within-family slope; offsets are each family's intercept on that slope.
  const sxxWithin = all.reduce((s, g) => s + g.sxx, 0)
  const slope = all.reduce((s, g) => s + g.sxy, 0) / sxxWithin
  const sseShared = all.reduce((s, g) => s + g.y.reduce((e, y, i) => e + (y - g.yMean - slope * (g.x[i]! - g.xMean)) ** 2, 0), 0)
  const dofShared = n - k - 1
  const varShared = sseShared / dofShared
  const tShared = studentTCritical(level, dofShared)
  const offsets = Object.fromEntries(
    families.map(f => {
      const g = groups.get(f)!
      return [f, estimate(g.yMean - slope * g.xMean, Math.sqrt(varShared * (1 / g.x.length + g.xMean ** 2 / sxxWithin)), tShared)]
    }),
  )

  // Per-family exponents with the pooled residual variance.
  const sseSeparate = all.reduce((s, g) => s + g.y.reduce((e, y, i) => e + (y - g.yMean - (g.sxy / g.sxx) * (g.x[i]! - g.xMean)) ** 2, 0), 0)
  const dofSeparate = n - 2 * k
  const varSeparate = sseSeparate / dofSeparate
  const tSeparate = studentTCritical(level, dofSeparate)
  const exponents = Object.fromEntries(
    families.map(f => [f, estimate(-groups.get(f)!.sxy / groups.get(f)!.sxx, Math.sqrt(varSeparate / groups.get(f)!.sxx), tSeparate)]),
  )

  const f = (sseShared - sseSeparate) / (k - 1) / varSeparate
  const d1 = k - 1
  const pValue = f > 0 ? regularizedIncompleteBeta(dofSeparate / (dofSeparate + d1 * f), dofSeparate / 2, d1 / 2) : 1

  const comparisons: FamilyComparison[] = []
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const [a, b] = [groups.get(families[i]!)!, groups.get(families[j]!)!]
      const diff = b.yMean - slope * b.xMean - (a.yMean - slope * a.xMean) // log bpb(j) − log bpb(i) at equal size
      const se = Math.sqrt(varShared * (1 / a.x.length + 1 / b.x.length + (a.xMean - b.xMean) ** 2 / sxxWithin))
      const [ahead, behind, logRatio] = diff >= 0 ? [families[i]!, families[j]!, diff] : [families[j]!, families[i]!, -diff]
      comparisons.push({
        ahead,
        behind,
        ratio: { value: Math.exp(logRatio), se: Math.exp(logRatio) * se, interval: [Math.exp(logRatio - tShared * se), Math.exp(logRatio + tShared * se)] },
        distinguishable: studentTTwoSidedPValue(logRatio / se, dofShared) < 1 - level,
      })
    }
  }
  return {
    level,
    families,
    shared: { exponent: estimate(-slope, Math.sqrt(varShared / sxxWithin), tShared), offsets, dof: dofShared },
    perFamily: { exponents, dof: dofSeparate },
    exponentsDiffer: { f, dof: [d1, dofSeparate], pValue },
    comparisons,
  }
}

/** The report's words: which family is ahead at equal size, whether the data can tell, and whether the exponents differ. */
export function describeCrossFamily(fit: CrossFamilyFit): string[] {
  const pct = Math.round(fit.level * 100)
  const lines = fit.comparisons.map(c => {
    const [low, high] = c.ratio.interval
    const verdict = c.distinguishable ? 'the data can tell' : 'the data cannot tell them apart'
    return `At equal size, ${c.ahead} needs ${(100 * (1 - 1 / c.ratio.value)).toFixed(1)}% fewer bits per byte than ${c.behind} (ratio ${c.ratio.value.toFixed(3)}, ${pct}% interval ${low.toFixed(3)}–${high.toFixed(3)}): ${verdict}.`
  })
  const { f, dof, pValue } = fit.exponentsDiffer
  lines.push(
    `Exponents differ between families? F(${dof[0]}, ${dof[1]}) = ${f.toFixed(2)}, p = ${pValue.toPrecision(2)}${pValue < 1 - fit.level ? ': yes' : ': not detectably'}.`,
  )
  return lines
}
