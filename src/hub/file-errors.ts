/** A dataset problem, located as precisely as known: the file, then the row (counted from 0) and the field. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError'

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly row?: number,
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    const where = [row === undefined ? '' : `row ${row}`, field === undefined ? '' : `field "${field}"`].filter(Boolean).join(', ')
    super(`${file}${where ? `: ${where}` : ''}: ${problem}`, options)
  }
}

/** Thrown by a task's row mapping; the loader adds the file and row. */
export class FieldError extends Error {
  override readonly name = 'FieldError'

  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`field "${field}": ${problem}`)
  }
}
