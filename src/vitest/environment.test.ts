import { describe, expect, test } from 'vitest'
import { cpuIdentity } from './environment.ts'

const cpuinfo = (fields: Record<string, string>) =>
  ['processor\t: 0', ...Object.entries(fields).map(([k, v]) => `${k}\t: ${v}`), '', 'processor\t: 1', 'cpu MHz\t: 1.0', ''].join('\n')
const zen3 = { vendor_id: 'AuthenticAMD', 'cpu family': '25', model: '1', 'model name': 'AMD EPYC', stepping: '1', 'cpu MHz': '2445.404', flags: 'fpu avx2' }

describe('cpuIdentity: the machine identity exact mode keys on', () => {
  test('the same model string with another family, model, stepping or flags is another CPU', () => {
    const base = cpuIdentity(cpuinfo(zen3))
    expect(base).toMatch(/^cpuinfo sha256:[0-9a-f]{16}$/)
    for (const change of [{ 'cpu family': '23' }, { model: '49' }, { stepping: '0' }, { flags: 'fpu avx2 avx512f' }]) {
      expect(cpuIdentity(cpuinfo({ ...zen3, ...change }))).not.toBe(base)
    }
  })

  test('clock speed and the other processors do not change it; no /proc/cpuinfo says so', () => {
    expect(cpuIdentity(cpuinfo({ ...zen3, 'cpu MHz': '3000.000' }))).toBe(cpuIdentity(cpuinfo(zen3)))
    expect(cpuIdentity('')).toMatch(/no \/proc\/cpuinfo\)$/)
  })
})
