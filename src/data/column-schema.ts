/**
 * A dataset's column schema as the hub stores it, written once per task. It types the rows the task sees,
 * validates rows read from Parquet or jsonl, and tells the fixture writer which Parquet types to emit.
 */
import { z } from 'zod'

/** `int32`/`int64` are the Parquet physical types (HF ClassLabel columns are int64); both read as a JS number. */
export type ColumnType = 'string' | 'int32' | 'int64' | { readonly list: ColumnType } | { readonly struct: { readonly [field: string]: ColumnType } }

export type ColumnSchema = { readonly [column: string]: ColumnType }

export type ValueOf<T extends ColumnType> = T extends 'string'
  ? string
  : T extends 'int32' | 'int64'
    ? number
    : T extends { readonly list: infer E extends ColumnType }
      ? readonly ValueOf<E>[]
      : T extends { readonly struct: infer S extends { readonly [field: string]: ColumnType } }
        ? { readonly [K in keyof S]: ValueOf<S[K]> }
        : never

export type RowOf<S extends ColumnSchema> = { readonly [K in keyof S]: ValueOf<S[K]> }

// hyparquet reads INT64 as bigint; jsonl gives numbers. Both become a safe-integer number.
const integer = z.union([
  z.int(),
  z
    .bigint()
    .refine(v => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER), 'integer out of safe range')
    .transform(Number),
])

function zodFor(type: ColumnType): z.ZodType {
  if (type === 'string') return z.string()
  if (type === 'int32' || type === 'int64') return integer
  if ('list' in type) return z.array(zodFor(type.list))
  return z.object(Object.fromEntries(Object.entries(type.struct).map(([k, v]) => [k, zodFor(v)])))
}

export function rowValidator<S extends ColumnSchema>(schema: S): z.ZodType<RowOf<S>> {
  return z.object(Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, zodFor(v)]))) as unknown as z.ZodType<RowOf<S>>
}
