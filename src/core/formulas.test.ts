import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  type FormulaGraph,
  type FormulaNode,
  FUNCTIONS,
  FormulaError,
  MAX_FORMULA_LENGTH,
  MAX_NESTING,
  calculationOrder,
  dependantsOf,
  describeCycle,
  evaluateFormula,
  findCycle,
  formatFormula,
  formulaInputs,
  isMeasureCode,
  normaliseCode,
  parseFormula,
} from './formulas.ts'

const VALUES: ReadonlyMap<string, number | null> = new Map([
  ['HR01', 45],
  ['HR02', 60],
  ['A', 1],
  ['B', 2],
  ['C', -3],
  ['X', 4],
  ['HR-01.X_Y', 7],
  ['ZERO', 0],
  ['N', null],
  ['BIG', 1e200],
])

const calculate = (text: string): number | null => evaluateFormula(parseFormula(text), VALUES)

function graphOf(edges: Record<string, string[]>): FormulaGraph {
  return new Map(Object.entries(edges).map(([code, inputs]) => [code, new Set(inputs)]))
}

describe('parseFormula and evaluateFormula', () => {
  const table: ReadonlyArray<readonly [string, number | null, string]> = [
    ['[HR01] / [HR02] * 100', 75, '[HR01] / [HR02] * 100'],
    ['([A] + [B]) / 2', 1.5, '([A] + [B]) / 2'],
    ['-[X] + 3.5', -0.5, '-[X] + 3.5'],
    ['2 + 3 * 4', 14, '2 + 3 * 4'],
    ['(2 + 3) * 4', 20, '(2 + 3) * 4'],
    ['10 - 4 - 3', 3, '10 - 4 - 3'],
    ['10 - (4 - 3)', 9, '10 - (4 - 3)'],
    ['100 / 10 / 5', 2, '100 / 10 / 5'],
    ['100 / (10 / 5)', 50, '100 / (10 / 5)'],
    ['2 * -3', -6, '2 * -3'],
    ['2 - -3', 5, '2 - -3'],
    ['--3', 3, '--3'],
    ['-(2 + 3)', -5, '-(2 + 3)'],
    ['-2 * 3', -6, '-2 * 3'],
    ['+3', 3, '3'],
    ['.5 + 0.25', 0.75, '0.5 + 0.25'],
    ['007.50', 7.5, '7.5'],
    ['((([A])))', 1, '[A]'],
    ['  [a]\n*\t2 ', 2, '[A] * 2'],
    ['[hr-01.x_y] * 1', 7, '[HR-01.X_Y] * 1'],
    ['max([A], [B])', 2, 'max([A], [B])'],
    ['MAX([A],[B],[C])', 2, 'max([A], [B], [C])'],
    ['min([A], [B], [C])', -3, 'min([A], [B], [C])'],
    ['abs([C])', 3, 'abs([C])'],
    ['Abs(-[A])', 1, 'abs(-[A])'],
    ['round([HR01] / [HR02], 2)', 0.75, 'round([HR01] / [HR02], 2)'],
    ['round(10 / 3, 2)', 3.33, 'round(10 / 3, 2)'],
    ['round(2.5)', 3, 'round(2.5)'],
    ['round(-2.5)', -3, 'round(-2.5)'],
    ['round(1.005, 2)', 1.01, 'round(1.005, 2)'],
    ['round([A] / 3, 0)', 0, 'round([A] / 3, 0)'],
    ['-[ZERO]', 0, '-[ZERO]'],
    ['1000000000000000000000000', 1e24, '1000000000000000000000000'],
    ['0.0000001 * 10', 0.000001, '0.0000001 * 10'],
    // Null when an input is missing, on division by zero and on overflow; never NaN or Infinity.
    ['[A] + [N]', null, '[A] + [N]'],
    ['[A] + [UNKNOWN]', null, '[A] + [UNKNOWN]'],
    ['0 * [N]', null, '0 * [N]'],
    ['max([A], [N])', null, 'max([A], [N])'],
    ['[A] / 0', null, '[A] / 0'],
    ['[A] / [ZERO]', null, '[A] / [ZERO]'],
    ['[A] / ([B] - [B])', null, '[A] / ([B] - [B])'],
    ['0 / 0', null, '0 / 0'],
    ['[BIG] * [BIG]', null, '[BIG] * [BIG]'],
    ['-[BIG] * [BIG]', null, '-[BIG] * [BIG]'],
  ]
  for (const [text, expected, formatted] of table) {
    it(`reads ${JSON.stringify(text)} as ${expected}`, () => {
      const ast = parseFormula(text)
      assert.ok(Object.is(evaluateFormula(ast, VALUES), expected))
      assert.equal(formatFormula(ast), formatted)
      assert.deepEqual(parseFormula(formatted), ast)
    })
  }

  it('writes the smallest and largest numbers in full and reads them back exactly', () => {
    for (const value of [Number.MIN_VALUE, 1.5e-7, 1e21, 1.2345e22, Number.MAX_VALUE]) {
      const ast: FormulaNode = { type: 'number', value }
      const text = formatFormula(ast)
      assert.match(text, /^[0-9.]+$/)
      assert.deepEqual(parseFormula(text), ast)
    }
  })

  it('builds the tree with the usual precedence, grouping from the left', () => {
    assert.deepEqual(parseFormula('[a] - 2 * -[B] - 1'), {
      type: 'binary',
      operator: '-',
      left: {
        type: 'binary',
        operator: '-',
        left: { type: 'measure', code: 'A' },
        right: {
          type: 'binary',
          operator: '*',
          left: { type: 'number', value: 2 },
          right: { type: 'negate', operand: { type: 'measure', code: 'B' } },
        },
      },
      right: { type: 'number', value: 1 },
    })
  })

  it('treats a value that is not a finite number as missing', () => {
    const values = new Map([
      ['A', Number.NaN],
      ['B', Infinity],
    ])
    assert.equal(evaluateFormula(parseFormula('[A] * 0'), values), null)
    assert.equal(evaluateFormula(parseFormula('[B] * 0'), values), null)
  })

  it('accepts a formula of the longest length and a long chain', () => {
    const chain = `${'[A] + '.repeat(332)}[A]`
    assert.ok(chain.length <= 2000)
    assert.equal(calculate(chain), 333)
  })
})

describe('formula errors', () => {
  const table: ReadonlyArray<readonly [string, string, number]> = [
    ['', 'Empty formula', 1],
    ['  \n ', 'Empty formula', 1],
    [
      '[A] +',
      'Unexpected end of formula at position 6: expected a number, a measure code or "("',
      6,
    ],
    ['-', 'Unexpected end of formula at position 2: expected a number, a measure code or "("', 2],
    ['([A] + [B]) / 2)', 'Unexpected ")" at position 16: there is no "(" for it to close', 16],
    ['()', 'Unexpected ")" at position 2: expected a number, a measure code or "("', 2],
    ['[A] * )', 'Unexpected ")" at position 7: expected a number, a measure code or "("', 7],
    ['[A] [B]', 'Unexpected "[B]" at position 5: expected an operator (+ - * /)', 5],
    ['2 x 3', 'Unexpected "x" at position 3: expected an operator (+ - * /)', 3],
    ['1e5', 'Unexpected "e5" at position 2: expected an operator (+ - * /)', 2],
    ['1, 2', 'Unexpected "," at position 2: expected an operator (+ - * /)', 2],
    ['([A] [B])', 'Unexpected "[B]" at position 6: expected an operator or ")"', 6],
    ['([A] + [B]', 'Missing ")" at position 11 to close the "(" at position 1', 11],
    ['max([A], [B]', 'Missing ")" at position 13 to close the "(" at position 4', 13],
    ['max([A] [B])', 'Unexpected "[B]" at position 9: expected an operator, "," or ")"', 9],
    ['max([A],)', 'Unexpected ")" at position 9: expected a number, a measure code or "("', 9],
    ['sqrt([A])', 'Unknown function "sqrt" at position 1: use min, max, abs or round', 1],
    ['2 * Sum([A], [B])', 'Unknown function "Sum" at position 5: use min, max, abs or round', 5],
    ['max [A]', 'Expected "(" after max at position 5', 5],
    ['[A] + round', 'Expected "(" after round at position 12', 12],
    [
      'HR01 / [HR02]',
      'Measure codes are written in square brackets, like [HR01]: "HR01" at position 1',
      1,
    ],
    [
      '[A] + hr-02',
      'Measure codes are written in square brackets, like [HR-02]: "hr-02" at position 7',
      7,
    ],
    [
      `${'a'.repeat(31)} + 1`,
      `Measure codes are written in square brackets, like [HR01]: "${'a'.repeat(31)}" at position 1`,
      1,
    ],
    ['max([A])', 'max at position 1 takes at least 2 values, not 1', 1],
    ['1 + min()', 'min at position 5 takes at least 2 values, not 0', 5],
    ['abs([A], [B])', 'abs at position 1 takes 1 value, not 2 values', 1],
    ['round()', 'round at position 1 takes 1 or 2 values, not 0', 1],
    ['round(1, 2, 3)', 'round at position 1 takes 1 or 2 values, not 3', 1],
    [
      'round([A], 1.5)',
      'The decimal places of round at position 12 must be a whole number from 0 to 10',
      12,
    ],
    [
      'round([A], [B])',
      'The decimal places of round at position 12 must be a whole number from 0 to 10',
      12,
    ],
    [
      'round([A], -1)',
      'The decimal places of round at position 12 must be a whole number from 0 to 10',
      12,
    ],
    [
      'round([A], 11)',
      'The decimal places of round at position 12 must be a whole number from 0 to 10',
      12,
    ],
    ['[]', 'Empty measure code at position 1', 1],
    ['[A', 'Missing "]" at position 3 to close the "[" at position 1', 3],
    [
      '[HR 01]',
      'Unexpected " " at position 4 in a measure code: codes are 1 to 30 letters, digits, "_", "-" or "."',
      4,
    ],
    [
      '[A+B]',
      'Unexpected "+" at position 3 in a measure code: codes are 1 to 30 letters, digits, "_", "-" or "."',
      3,
    ],
    [`[${'A'.repeat(31)}]`, 'The measure code at position 1 is longer than 30 characters', 1],
    ['[A]]', 'Unexpected "]" at position 4: there is no "[" for it to close', 4],
    [
      '2 ^ 3',
      'Unexpected "^" at position 3: formulas use + - * / and the functions min, max, abs and round',
      3,
    ],
    [
      '50%',
      'Unexpected "%" at position 3: formulas use + - * / and the functions min, max, abs and round',
      3,
    ],
    ['5.', 'Unexpected "." at position 2: write decimal numbers like 0.5', 2],
    ['1 # 2', 'Unexpected "#" at position 3', 3],
    ['1 + 😀', 'Unexpected "😀" at position 5', 5],
    ['9'.repeat(400), 'The number at position 1 is too large', 1],
    [
      `${'('.repeat(MAX_NESTING + 1)}1${')'.repeat(MAX_NESTING + 1)}`,
      `The formula is nested too deeply at position ${MAX_NESTING + 1}: use at most ${MAX_NESTING} levels`,
      MAX_NESTING + 1,
    ],
    [
      `${'-'.repeat(MAX_NESTING + 1)}1`,
      `The formula is nested too deeply at position ${MAX_NESTING + 1}: use at most ${MAX_NESTING} levels`,
      MAX_NESTING + 1,
    ],
    [
      `${'abs('.repeat(MAX_NESTING + 1)}1${')'.repeat(MAX_NESTING + 1)}`,
      `The formula is nested too deeply at position ${4 * MAX_NESTING + 4}: use at most ${MAX_NESTING} levels`,
      4 * MAX_NESTING + 4,
    ],
    ['1'.repeat(2001), 'Formulas can be at most 2000 characters long; this one has 2001', 2001],
  ]
  for (const [text, message, position] of table) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text
    it(`refuses ${JSON.stringify(shown)}: ${message.slice(0, 60)}`, () => {
      assert.throws(
        () => parseFormula(text),
        (error: unknown) => {
          assert.ok(error instanceof FormulaError)
          assert.equal(error.name, 'FormulaError')
          assert.equal(error.message, message)
          assert.equal(error.position, position)
          return true
        },
      )
    })
  }

  it('nests up to the limit', () => {
    const deep = `${'('.repeat(MAX_NESTING)}1${')'.repeat(MAX_NESTING)}`
    assert.deepEqual(parseFormula(deep), { type: 'number', value: 1 })
  })
})

describe('measure codes', () => {
  it('are 1 to 30 letters, digits, underscores, hyphens and dots', () => {
    for (const code of ['A', 'hr01', 'NI_195', 'CP-3.1', '2024A', 'A'.repeat(30)]) {
      assert.ok(isMeasureCode(code), code)
    }
    for (const code of ['', 'A'.repeat(31), 'HR 01', 'A+B', '[A]', 'É']) {
      assert.ok(!isMeasureCode(code), code)
    }
  })

  it('are matched whatever their case, kept in upper case', () => {
    assert.equal(normaliseCode('hr-01.a'), 'HR-01.A')
    assert.deepEqual(
      [...formulaInputs(parseFormula('[a] + [b] * [A] + max([C], 1)'))],
      ['A', 'B', 'C'],
    )
    assert.deepEqual([...formulaInputs(parseFormula('1 + 2'))], [])
  })
})

// ---------------------------------------------------------------------------------------------
// Generated formulas

const codeArb = fc.constantFrom('A', 'B', 'HR01', 'X-1.2', 'N')
const numberArb = fc.oneof(
  fc.nat(1000),
  fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100),
  fc.double({ min: 1e-12, max: 1e25, noNaN: true }),
)

const astArb: fc.Arbitrary<FormulaNode> = fc.letrec<{ node: FormulaNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 6, depthIdentifier: 'ast' },
    numberArb.map((value): FormulaNode => ({ type: 'number', value })),
    codeArb.map((code): FormulaNode => ({ type: 'measure', code })),
    tie('node').map((operand): FormulaNode => ({ type: 'negate', operand })),
    fc
      .tuple(fc.constantFrom('+', '-', '*', '/'), tie('node'), tie('node'))
      .map(([operator, left, right]): FormulaNode => ({ type: 'binary', operator, left, right })),
    fc
      .tuple(fc.constantFrom('min', 'max'), fc.array(tie('node'), { minLength: 2, maxLength: 4 }))
      .map(([name, args]): FormulaNode => ({ type: 'call', name, args })),
    tie('node').map((arg): FormulaNode => ({ type: 'call', name: 'abs', args: [arg] })),
    fc
      .tuple(tie('node'), fc.option(fc.integer({ min: 0, max: 10 })))
      .map(([arg, places]): FormulaNode => ({
        type: 'call',
        name: 'round',
        args: places === null ? [arg] : [arg, { type: 'number', value: places }],
      })),
  ),
})).node

function codesIn(node: FormulaNode): string[] {
  if (node.type === 'measure') return [node.code]
  if (node.type === 'negate') return codesIn(node.operand)
  if (node.type === 'binary') return [...codesIn(node.left), ...codesIn(node.right)]
  if (node.type === 'call') return node.args.flatMap(codesIn)
  return []
}

// A formula written independently of formatFormula, fully bracketed, with the value it should
// have worked out by plain arithmetic.
interface Sample {
  readonly text: string
  readonly value: number | null
}

const INPUTS: ReadonlyMap<string, number | null> = new Map([
  ['A', 2.5],
  ['B', -4],
  ['C', 0],
  ['N', null],
])

const checked = (v: number): number | null => (Number.isFinite(v) ? v : null)
const both = (a: number | null, b: number | null, f: (x: number, y: number) => number | null) =>
  a === null || b === null ? null : f(a, b)

const sampleArb: fc.Arbitrary<Sample> = fc.letrec<{ sample: Sample }>((tie) => ({
  sample: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'sample' },
    fc.integer({ min: 0, max: 10_000 }).map((n) => ({ text: String(n / 100), value: n / 100 })),
    fc
      .constantFrom(...INPUTS.keys())
      .map((code) => ({ text: `[${code.toLowerCase()}]`, value: INPUTS.get(code) ?? null })),
    tie('sample').map((s) => ({ text: `-(${s.text})`, value: s.value === null ? null : -s.value })),
    fc
      .tuple(fc.constantFrom('+', '-', '*', '/'), tie('sample'), tie('sample'))
      .map(([op, l, r]) => ({
        text: `(${l.text}) ${op} (${r.text})`,
        value: both(l.value, r.value, (x, y) => {
          if (op === '+') return checked(x + y)
          if (op === '-') return checked(x - y)
          if (op === '*') return checked(x * y)
          return y === 0 ? null : checked(x / y)
        }),
      })),
    fc.tuple(fc.constantFrom('min', 'max'), tie('sample'), tie('sample')).map(([name, l, r]) => ({
      text: `${name}(${l.text}, ${r.text})`,
      value: both(l.value, r.value, (x, y) => (name === 'min' ? Math.min(x, y) : Math.max(x, y))),
    })),
    tie('sample').map((s) => ({
      text: `ABS(${s.text})`,
      value: s.value === null ? null : Math.abs(s.value),
    })),
  ),
})).sample

const formulaishArb = fc.string({
  unit: fc.constantFrom(
    ...'[]()+-*/,. 0123456789AbcxE_^%#'.split(''),
    'max',
    'min(',
    'round(',
    'abs',
    '[A]',
    '[hr01]',
    '\n',
    '😀',
  ),
  maxLength: 60,
})

describe('generated formulas', () => {
  it('throws nothing but FormulaError on any input, and reads back what it accepts', () => {
    fc.assert(
      fc.property(fc.oneof(formulaishArb, fc.string(), fc.string({ unit: 'binary' })), (text) => {
        let ast: FormulaNode
        try {
          ast = parseFormula(text)
        } catch (error) {
          assert.ok(error instanceof FormulaError, String(error))
          assert.ok(error.position !== null && error.position >= 1)
          assert.ok(error.position <= text.length + 1)
          return
        }
        assert.deepEqual(parseFormula(formatFormula(ast)), ast)
        const value = evaluateFormula(ast, INPUTS)
        assert.ok(value === null || Number.isFinite(value))
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the same tree when a tree is printed and read back', () => {
    fc.assert(
      fc.property(astArb, (ast) => {
        const text = formatFormula(ast)
        fc.pre(text.length <= MAX_FORMULA_LENGTH)
        assert.deepEqual(parseFormula(text), ast, text)
        assert.equal(formatFormula(parseFormula(text)), text)
      }),
    )
  })

  it('lists every code a tree uses, once each', () => {
    fc.assert(
      fc.property(astArb, (ast) => {
        assert.deepEqual([...formulaInputs(ast)], [...new Set(codesIn(ast))])
      }),
    )
  })

  it('evaluates as plain arithmetic does, null for missing inputs and division by zero', () => {
    fc.assert(
      fc.property(sampleArb, ({ text, value }) => {
        assert.ok(
          Object.is(evaluateFormula(parseFormula(text), INPUTS), value === 0 ? 0 : value),
          text,
        )
      }),
    )
  })

  it('never gives NaN or Infinity', () => {
    const values = new Map([...INPUTS.keys()].map((code) => [code, 1e308]))
    fc.assert(
      fc.property(astArb, (ast) => {
        const value = evaluateFormula(ast, values)
        assert.ok(value === null || Number.isFinite(value))
        assert.ok(!Object.is(value, -0))
      }),
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Dependencies

describe('dependencies between formulas', () => {
  // TOTAL = [A] + [B]; RATE = [TOTAL] / [C]; SHARE = [RATE] * [A]
  const graph = graphOf({ TOTAL: ['A', 'B'], RATE: ['TOTAL', 'C'], SHARE: ['RATE', 'A'] })

  it('orders every measure after the ones its formula uses', () => {
    assert.deepEqual(calculationOrder(graph), ['A', 'B', 'C', 'TOTAL', 'RATE', 'SHARE'])
    assert.deepEqual(calculationOrder(new Map()), [])
  })

  it('lists the measures to recompute when one changes, in order', () => {
    assert.deepEqual(dependantsOf(graph, 'A'), ['TOTAL', 'RATE', 'SHARE'])
    assert.deepEqual(dependantsOf(graph, 'C'), ['RATE', 'SHARE'])
    assert.deepEqual(dependantsOf(graph, 'RATE'), ['SHARE'])
    assert.deepEqual(dependantsOf(graph, 'SHARE'), [])
    assert.deepEqual(dependantsOf(graph, 'UNUSED'), [])
  })

  it('finds no cycle where there is none', () => {
    assert.equal(findCycle(graph), null)
    for (const code of calculationOrder(graph)) assert.equal(findCycle(graph, code), null)
    assert.equal(findCycle(graph, 'UNKNOWN'), null)
  })

  it('finds a formula that would use itself, directly or through others', () => {
    const withNew = new Map(graph).set('A', new Set(['SHARE']))
    assert.deepEqual(findCycle(withNew, 'A'), ['A', 'SHARE', 'A'])
    assert.deepEqual(findCycle(withNew, 'TOTAL'), ['TOTAL', 'A', 'SHARE', 'RATE', 'TOTAL'])
    assert.deepEqual(findCycle(withNew), ['A', 'SHARE', 'A'])
    const self = graphOf({ A: ['A'] })
    assert.deepEqual(findCycle(self), ['A', 'A'])
    assert.deepEqual(findCycle(self, 'A'), ['A', 'A'])
  })

  it('describes a cycle in words and refuses to order one', () => {
    assert.equal(describeCycle(['A', 'B', 'A']), '[A] uses [B], which uses [A]')
    assert.equal(
      describeCycle(['A', 'B', 'C', 'A']),
      '[A] uses [B], which uses [C], which uses [A]',
    )
    assert.equal(describeCycle(['A', 'A']), '[A] uses itself')
    const cyclic = graphOf({ A: ['B'], B: ['A'], C: ['A'] })
    const refusal = {
      name: 'FormulaError',
      message: 'The formulas form a cycle: [A] uses [B], which uses [A]',
    }
    assert.throws(() => calculationOrder(cyclic), refusal)
    assert.throws(() => dependantsOf(cyclic, 'A'), refusal)
    assert.throws(() => dependantsOf(graphOf({ A: ['A'] }), 'A'), {
      message: 'The formulas form a cycle: [A] uses itself',
    })
  })

  it('copes with a long chain without running out of stack', () => {
    const length = 20_000
    const chain = new Map(
      Array.from({ length }, (_, i) => [`M${i + 1}`, new Set([`M${i}`])] as const),
    )
    const order = calculationOrder(chain)
    assert.equal(order.length, length + 1)
    assert.equal(order[0], 'M0')
    assert.equal(dependantsOf(chain, 'M0').length, length)
    chain.set('M0', new Set([`M${length}`]))
    assert.equal(findCycle(chain)?.length, length + 2)
  })

  // Measures M0…Mn-1; a measure only uses measures with a lower number, so there is no cycle.
  const dagArb = fc
    .integer({ min: 1, max: 25 })
    .chain((n) =>
      fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }).map((pairs) => ({
        n,
        edges: pairs.filter(([a, b]) => a !== b).map(([a, b]) => (a > b ? [a, b] : [b, a])),
      })),
    )
    .map(({ n, edges }) => {
      const graph = new Map<string, Set<string>>()
      for (let i = 0; i < n; i++) graph.set(`M${i}`, new Set())
      for (const [user, input] of edges) graph.get(`M${user}`)?.add(`M${input}`)
      return graph
    })

  const edgesOf = (g: FormulaGraph): [string, string][] =>
    [...g].flatMap(([user, inputs]) => [...inputs].map((input): [string, string] => [user, input]))

  const isCycleIn = (g: FormulaGraph, cycle: readonly string[]): boolean =>
    cycle.length >= 2 &&
    cycle[0] === cycle.at(-1) &&
    cycle.slice(1).every((code, i) => g.get(cycle[i] ?? '')?.has(code) === true)

  it('orders a random acyclic graph so every input comes before its users', () => {
    fc.assert(
      fc.property(dagArb, (g) => {
        const order = calculationOrder(g)
        assert.equal(new Set(order).size, order.length)
        assert.deepEqual([...order].sort(), [...g.keys()].sort())
        for (const [user, input] of edgesOf(g))
          assert.ok(order.indexOf(input) < order.indexOf(user))
        assert.equal(findCycle(g), null)
      }),
    )
  })

  it('lists exactly the measures that depend on a change, inputs first', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(24), (g, pick) => {
        const changed = `M${pick % g.size}`
        // Brute force: a measure depends on `changed` when some path of inputs leads to it.
        const memo = new Map<string, boolean>()
        const reaches = (from: string): boolean => {
          const known = memo.get(from)
          if (known !== undefined) return known
          const result = [...(g.get(from) ?? [])].some((i) => i === changed || reaches(i))
          memo.set(from, result)
          return result
        }
        const expected = [...g.keys()].filter(reaches).sort()
        const found = dependantsOf(g, changed)
        assert.deepEqual([...found].sort(), expected)
        for (const [user, input] of edgesOf(g)) {
          if (found.includes(user) && found.includes(input)) {
            assert.ok(found.indexOf(input) < found.indexOf(user))
          }
        }
      }),
    )
  })

  it('finds a cycle planted in a random acyclic graph', () => {
    fc.assert(
      fc.property(
        dagArb,
        fc.uniqueArray(fc.nat(24), { minLength: 1, maxLength: 6 }),
        (g, picks) => {
          const planted = [...new Set(picks.map((p) => `M${p % g.size}`))]
          planted.forEach((code, i) => {
            g.get(code)?.add(planted[(i + 1) % planted.length] ?? code)
          })
          const any = findCycle(g)
          assert.ok(any !== null && isCycleIn(g, any), String(any))
          const first = planted[0] ?? ''
          const through = findCycle(g, first)
          assert.ok(through !== null && isCycleIn(g, through))
          assert.equal(through[0], first)
          assert.ok(through.length <= planted.length + 1, 'the shortest cycle through the code')
          assert.throws(() => calculationOrder(g), FormulaError)
        },
      ),
    )
  })

  it('names every function the formulas accept', () => {
    assert.deepEqual(FUNCTIONS, ['min', 'max', 'abs', 'round'])
  })
})
