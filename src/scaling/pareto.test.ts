import { expect, test } from 'vitest'
import { paretoFront } from './pareto.ts'

test('the front keeps the models no other beats on both; ties on one axis are decided by the other', () => {
  const models = [
    { speed: 100, loss: 5 }, // fastest
    { speed: 50, loss: 4 }, // slower, better
    { speed: 40, loss: 4.5 }, // beaten by the second on both
    { speed: 50, loss: 4.2 }, // as fast as the second, worse
    { speed: 10, loss: 3 }, // best
  ]
  expect(paretoFront(models)).toEqual([true, true, false, false, true])
  expect(
    paretoFront([
      { speed: 1, loss: 1 },
      { speed: 1, loss: 1 },
    ]),
  ).toEqual([true, true])
})
