import { describe, expect, test } from 'vitest'
import { FieldError } from '../hub/file-errors.ts'
import { capitalize, pythonInt, pythonLstrip, pythonStrip } from './python-strings.ts'

describe('Python string semantics', () => {
  test('capitalize upper-cases the first character and lower-cases all the rest', () => {
    expect(capitalize('he STARTS pulling up ROOFING.')).toBe('He starts pulling up roofing.')
    expect(capitalize('ÉCOLE Normale')).toBe('École normale')
    expect(capitalize('')).toBe('')
    expect(capitalize('1ST place')).toBe('1st place')
  })

  test('capitalize titlecases a Latin digraph instead of upper-casing it (Python 3.8+)', () => {
    expect(capitalize('ǆUNGLA')).toBe('ǅungla')
  })

  test('strip uses Python whitespace: U+001F and U+0085 are stripped, U+FEFF is not', () => {
    expect(pythonStrip('\x1f\x85 text \t\n')).toBe('text')
    expect(pythonStrip('\ufefftext\ufeff')).toBe('\ufefftext\ufeff')
    expect(pythonLstrip('  D ')).toBe('D ')
  })

  test('int accepts surrounding whitespace and rejects other text with the field name', () => {
    expect(pythonInt('label', ' 2 ')).toBe(2)
    expect(() => pythonInt('label', '')).toThrow(FieldError)
    expect(() => pythonInt('label', 'two')).toThrow('field "label": "two" is not an integer')
  })
})
