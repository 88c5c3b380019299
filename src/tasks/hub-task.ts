/**
 * A task whose documents are the rows of one hub dataset file: the declarative part (where the split lives,
 * its column schema, row → document) plus the loading every such task shares. Rows that the mapping rejects
 * fail with the file, the row and the field.
 */
import type { ColumnSchema, RowOf } from '../data/column-schema.ts'
import type { DataOptions } from '../hub/hub-options.ts'
import { DatasetError, FieldError } from '../hub/file-errors.ts'
import type { HubDatasetFile } from '../hub/hub-file.ts'
import { loadRows } from '../data/load-rows.ts'
import { rollingMetrics } from './metric-definitions.ts'
import type { ChoiceDocument, ChoiceMetric, MultipleChoiceTask, RollingDocument, RollingTask } from './task-types.ts'

/** The split lm-eval evaluates, as lm-eval names it, and the hub file that holds it. */
export interface HubSplit extends HubDatasetFile {
  /** lm-eval's dataset_path (may differ from `repo` when the file is a mirror). */
  readonly datasetPath: string
  /** lm-eval's dataset_name (the hub config), or null. */
  readonly datasetName: string | null
  readonly split: 'train' | 'validation' | 'test'
}

interface HubTaskDefinition<Name extends string, S extends ColumnSchema, Doc> {
  readonly name: Name
  readonly version: string
  readonly dataset: HubSplit
  readonly columns: S
  /** Row → document; throws FieldError for a row it cannot use. */
  readonly toDocument: (row: RowOf<S>) => Doc
  /** The column whose equal values make documents one cluster (e.g. BoolQ's passage): they are not independent items. */
  readonly clusterKey?: keyof S & string
}

export type HubChoiceTask<Name extends string, S extends ColumnSchema, M extends string> = MultipleChoiceTask<Name, M> &
  HubTaskDefinition<Name, S, ChoiceDocument>

export type HubRollingTask<Name extends string, S extends ColumnSchema> = RollingTask<Name, keyof typeof rollingMetrics> &
  HubTaskDefinition<Name, S, RollingDocument>

async function loadDocuments<S extends ColumnSchema, Doc>(definition: HubTaskDefinition<string, S, Doc>, options: DataOptions): Promise<Doc[]> {
  const { path, rows } = await loadRows(definition.dataset, definition.columns, options)
  return rows.map((row, index) => {
    try {
      const document = definition.toDocument(row)
      return definition.clusterKey === undefined ? document : { ...document, cluster: String(row[definition.clusterKey]) }
    } catch (error) {
      if (error instanceof FieldError) throw new DatasetError(path, error.problem, index, error.field, { cause: error })
      throw error
    }
  })
}

export function hubChoiceTask<const Name extends string, const S extends ColumnSchema, const M extends string>(
  definition: HubTaskDefinition<Name, S, ChoiceDocument> & {
    readonly chance: number
    readonly metrics: { readonly [K in M]: ChoiceMetric }
  },
): HubChoiceTask<Name, S, M> {
  return { ...definition, kind: 'multiple_choice', loadDocuments: options => loadDocuments(definition, options) }
}

export function hubRollingTask<const Name extends string, const S extends ColumnSchema>(
  definition: HubTaskDefinition<Name, S, RollingDocument>,
): HubRollingTask<Name, S> {
  return {
    ...definition,
    kind: 'loglikelihood_rolling',
    metrics: rollingMetrics,
    loadDocuments: options => loadDocuments(definition, options),
  }
}
