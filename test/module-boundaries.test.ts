// The module rules (docs/decisions.md, "Features as modules"): the lint rule that keeps each
// feature behind its public face, shown to fail on a bad import, and the import graph between
// the parts of src/ (each feature, core, db, web), which must have no cycle.
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import { ESLint, Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import goldenThread from '../eslint/feature-boundaries.ts'
import { cycleIn, importsUnder, partGraph, tangles } from '../scripts/module-graph.ts'

const root = resolve(import.meta.dirname, '..')

/** The rule's complaints about one line of source in a file at `filename` (from the root). */
function complaints(filename: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: root })
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'golden-thread': goldenThread },
        rules: { 'golden-thread/feature-boundaries': 'error' },
      },
    ],
    { filename: resolve(root, filename) },
  )
  return messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`)
}

describe('the feature boundaries lint rule', () => {
  it("fails on one feature importing another's internals, and names the face to use", () => {
    const found = complaints(
      'src/features/spc/spc-service.ts',
      "import { spcOf } from '../measures/measure-spc.ts'",
    )
    assert.equal(found.length, 1)
    assert.match(found[0] ?? '', /golden-thread\/feature-boundaries/)
    assert.match(found[0] ?? '', /src\/features\/measures\/index\.ts/)
  })

  it('fails on type-only imports, re-exports and dynamic imports of internals too', () => {
    const file = 'src/features/spc/spc-service.ts'
    assert.equal(
      complaints(file, "import type { MeasureService } from '../measures/measure-service.ts'")
        .length,
      1,
    )
    assert.equal(complaints(file, "export { spcOf } from '../measures/measure-spc.ts'").length, 1)
    assert.equal(
      complaints(file, "export const load = () => import('../measures/measure-spc.ts')").length,
      1,
    )
  })

  it("passes a feature's face, and a feature's own internals, tests included", () => {
    assert.deepEqual(
      complaints('src/features/spc/spc-service.ts', "import { spcOf } from '../measures/index.ts'"),
      [],
    )
    assert.deepEqual(
      complaints('src/features/spc/spc-service.ts', "import * as repo from './spc-schemas.ts'"),
      [],
    )
    assert.deepEqual(
      complaints(
        'src/features/measures/measure-spc.test.ts',
        "import { spcOf } from './measure-spc.ts'",
      ),
      [],
    )
  })

  it("fails on a test of one feature, or app.ts, test/ or bench/, reaching into a feature's internals", () => {
    const internals = (from: string, path: string) =>
      complaints(from, `import { spcOf } from '${path}'`).length
    assert.equal(internals('src/features/spc/spc-routes.test.ts', '../measures/measure-spc.ts'), 1)
    assert.equal(internals('src/app.ts', './features/measures/measure-spc.ts'), 1)
    assert.equal(internals('test/cli.test.ts', '../src/features/measures/measure-spc.ts'), 1)
    assert.equal(internals('bench/spc.bench.ts', '../src/features/measures/measure-spc.ts'), 1)
    assert.equal(internals('src/app.ts', './features/measures/index.ts'), 0)
  })

  it('fails on core, web or a migration importing any feature, even through its face', () => {
    for (const [file, path] of [
      ['src/core/spc.ts', '../features/measures/index.ts'],
      ['src/web/navigation.ts', '../features/exchange/index.ts'],
      ['src/db/migrations/20261125090000-spc-settings.ts', '../../features/measures/index.ts'],
    ] as const) {
      const found = complaints(file, `import { spcSummary } from '${path}'`)
      assert.equal(found.length, 1, `${file} importing ${path}`)
      assert.match(found[0] ?? '', /imports no feature/)
    }
  })

  it('is switched on for every TypeScript file by the project’s own ESLint config', async () => {
    const eslint = new ESLint({ cwd: root })
    for (const file of ['src/features/spc/spc-service.ts', 'src/core/spc.ts', 'test/cli.test.ts']) {
      const config = (await eslint.calculateConfigForFile(resolve(root, file))) as {
        rules?: Record<string, unknown>
      }
      assert.deepEqual(config.rules?.['golden-thread/feature-boundaries'], [2], file)
    }
  })
})

describe('the import graph between features, core, db and web', () => {
  it('finds a cycle when there is one, and prints it', () => {
    const graph = new Map([
      ['features/a', new Map([['features/b', []]])],
      ['features/b', new Map([['features/c', []]])],
      ['features/c', new Map([['features/a', []]])],
      ['core', new Map()],
    ])
    assert.deepEqual(tangles(graph), [['features/a', 'features/b', 'features/c']])
    assert.deepEqual(cycleIn(graph, ['features/a', 'features/b', 'features/c']), [
      'features/a',
      'features/b',
      'features/c',
      'features/a',
    ])
  })

  it('has no cycle through runtime imports', () => {
    const graph = partGraph(importsUnder(root))
    assert.ok(graph.size > 30, 'the graph covers every feature')
    const cycles = tangles(graph).map((tangle) => cycleIn(graph, tangle).join(' → '))
    assert.deepEqual(cycles, [], `Import cycles between parts of src/:\n${cycles.join('\n')}`)
  })

  it('has no cycle through imports of types either', () => {
    // services.ts is left out: route plugins take the Services type that it builds from them all.
    const graph = partGraph(importsUnder(root), { types: true })
    graph.delete('services.ts')
    for (const out of graph.values()) out.delete('services.ts')
    const cycles = tangles(graph).map((tangle) => cycleIn(graph, tangle).join(' → '))
    assert.deepEqual(cycles, [], `Type import cycles between parts of src/:\n${cycles.join('\n')}`)
  })
})
