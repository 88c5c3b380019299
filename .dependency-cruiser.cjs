/**
 * lmscale's layers (README "Layout"): a folder may import only the folders listed for it, so imports go one way and
 * no folder cycle can form. `npx depcruise src test-support` (run by .ci/run) fails on any violation.
 * Tests may also import the forge and the test helpers (their fixtures) and a real model to score with.
 */
const layers = {
  core: [],
  statistics: ['core'],
  scaling: ['statistics', 'core'],
  onnx: ['core'],
  hub: ['core'],
  scoring: ['core'],
  data: ['hub', 'core'],
  forge: ['onnx', 'data', 'core'],
  models: ['scoring', 'onnx', 'hub', 'core'],
  perf: ['models', 'scoring', 'onnx', 'core'],
  tasks: ['data', 'hub', 'scoring', 'core'],
  families: ['hub', 'core'],
  eval: ['tasks', 'scoring', 'data', 'hub', 'core'],
  baseline: ['statistics', 'core'],
  report: ['scaling', 'statistics', 'core'],
  vitest: ['eval', 'tasks', 'models', 'forge', 'baseline', 'report', 'perf', 'scaling', 'statistics', 'scoring', 'data', 'hub', 'onnx', 'core'],
}
const testFile = '\\.(test|test-d|e2e\\.test)\\.ts$'
const testExtras = ['forge', 'models', 'data']

const layerRules = Object.entries(layers).flatMap(([folder, allowed]) => [
  {
    name: `layer-${folder}`,
    comment: `src/${folder} may import only: ${allowed.join(', ') || 'nothing of lmscale'}`,
    severity: 'error',
    from: { path: `^src/${folder}/`, pathNot: testFile },
    to: { path: '^(src|test-support)/', pathNot: `^src/(${[folder, ...allowed].join('|')})/` },
  },
  {
    name: `layer-${folder}-tests`,
    comment: `tests in src/${folder} may also import ${testExtras.join(', ')} and test-support`,
    severity: 'error',
    from: { path: `^src/${folder}/.*${testFile}` },
    to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed, ...testExtras].join('|')})/` },
  },
])

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no module imports itself through others',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'entry-only-from-vitest-and-core',
      comment: 'the public entry re-exports the harness and the core vocabulary',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(vitest|core)/' },
    },
    {
      name: 'no-test-support-in-published-code',
      comment: 'test helpers never ship',
      severity: 'error',
      from: { path: '^src/', pathNot: testFile },
      to: { path: '^test-support/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
}
