import { describe, expect, test } from 'vitest'
import { getTask, isTaskName, taskByName, tasks } from './registry.ts'

describe('task registry', () => {
  test('each entry is registered under its own name', () => {
    for (const [name, task] of Object.entries(tasks)) expect(task.name).toBe(name)
  })

  test('the nine tasks of the spec', () => {
    expect(Object.keys(tasks).sort()).toEqual(
      ['arc_challenge', 'arc_easy', 'boolq', 'hellaswag', 'openbookqa', 'piqa', 'siqa', 'wikitext', 'winogrande'],
    )
  })

  test('lookups by literal and by run-time string', () => {
    expect(getTask('boolq').version).toBe('2.0')
    expect(isTaskName('mmlu')).toBe(false)
    expect(() => taskByName('mmlu')).toThrow('unknown task "mmlu"; known tasks: arc_easy, arc_challenge')
  })
})
