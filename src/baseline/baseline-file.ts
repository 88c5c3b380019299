/** Reading and writing one study's baseline file; a file that cannot be trusted is an error naming it. */
import { namedRates } from '../core/throughput-phases.ts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CaseEntry } from '../core/schema.ts'
import { writeFileAtomic } from '../core/atomic-file.ts'
import { BASELINE_SCHEMA_VERSION, baselineFileSchema } from './schema.ts'
import type { BaselineEntry, BaselineFile } from './schema.ts'

export class BaselineFileError extends Error {
  override name = 'BaselineFileError'
}

const recreate = 're-create it with `npx vitest bench --run -u` (or the plugin option `update: true`)'

export function baselinePath(dir: string, study: string): string {
  return join(dir, `${study.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`)
}

export function baselineKey(model: string, task: string): string {
  return `${model} › ${task}`
}

/** The study's baseline, or undefined when the file does not exist. */
export function readBaselineFile(path: string, study: string): BaselineFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new BaselineFileError(`lmscale: cannot read baseline ${path}: ${(error as Error).message}`, { cause: error })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new BaselineFileError(`lmscale: baseline ${path} is not valid JSON (${(error as Error).message}); fix it or ${recreate}`, { cause: error })
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion
  if (version !== BASELINE_SCHEMA_VERSION) {
    throw new BaselineFileError(
      `lmscale: baseline ${path} has schemaVersion ${JSON.stringify(version)}, but this lmscale reads version ${BASELINE_SCHEMA_VERSION}; ${recreate}`,
    )
  }
  const parsed = baselineFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new BaselineFileError(
      `lmscale: baseline ${path} does not match the baseline schema at ${issue.path.join('.') || '(root)'}: ${issue.message}; ${recreate}`,
    )
  }
  if (parsed.data.study !== study) {
    throw new BaselineFileError(`lmscale: baseline ${path} belongs to study ${JSON.stringify(parsed.data.study)}, not ${JSON.stringify(study)}; ${recreate}`)
  }
  return parsed.data
}

/** Keys sorted, so an update that changes nothing rewrites the file with the same bytes apart from updatedAt. */
export function writeBaselineFile(path: string, file: BaselineFile): void {
  const cases = Object.fromEntries(Object.entries(file.cases).sort(([a], [b]) => a.localeCompare(b)))
  const checked = baselineFileSchema.parse({ ...file, cases })
  writeFileAtomic(path, `${JSON.stringify(checked, null, 2)}\n`)
}

/** The baseline entry a finished case contributes; undefined for a case without a record (it crashed). */
export function baselineEntryOf(entry: CaseEntry): BaselineEntry | undefined {
  const record = entry.record
  if (!record) return undefined
  const throughput = record.throughput
  const calibration = record.calibration
  const rates = throughput
    ? Object.fromEntries(
        namedRates(throughput).map(({ phase, rate }) => [
          phase,
          { tokensPerSecond: rate.tokensPerSecond, rme: rate.rme, samples: rate.samples, ...(rate.paired ? { paired: rate.paired } : {}) },
        ]),
      )
    : {}
  return {
    model: {
      name: record.model.name,
      source: record.model.source,
      revision: record.model.revision,
      ...(record.model.commit === undefined ? {} : { commit: record.model.commit }),
      hash: record.model.hash,
      ...(record.model.files === undefined ? {} : { files: record.model.files }),
      ...(record.model.settings === undefined ? {} : { settings: record.model.settings }),
    },
    task: { name: record.task.name, version: record.task.version },
    ...(record.data?.length ? { data: record.data } : {}),
    options: record.options,
    optionsHash: record.optionsHash,
    n: record.n,
    metrics: record.metrics,
    items: entry.items ?? null,
    throughput: calibration && Object.keys(rates).length ? { calibration, rates } : null,
    environment: record.environment,
  }
}
