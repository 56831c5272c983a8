// Calculated measures: a formula over other measures' codes, such as `[HR01] / [HR02] * 100`.
// Read by a hand-written tokenizer and recursive-descent parser into a tree (never eval), then
// evaluated, checked for cycles and ordered for recalculation. Rules: docs/status-rules.md.
//
//   formula  := sum
//   sum      := product (("+" | "-") product)*
//   product  := unary (("*" | "/") unary)*
//   unary    := ("-" | "+") unary | primary
//   primary  := number | "[" code "]" | function "(" formula ("," formula)* ")" | "(" formula ")"
import { roundTo } from './status.ts'

export const FUNCTIONS = ['min', 'max', 'abs', 'round'] as const
export type FunctionName = (typeof FUNCTIONS)[number]
export type BinaryOperator = '+' | '-' | '*' | '/'

export type FormulaNode =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'measure'; readonly code: string }
  | { readonly type: 'negate'; readonly operand: FormulaNode }
  | {
      readonly type: 'binary'
      readonly operator: BinaryOperator
      readonly left: FormulaNode
      readonly right: FormulaNode
    }
  | { readonly type: 'call'; readonly name: FunctionName; readonly args: readonly FormulaNode[] }

/** A formula that cannot be read, or a set of formulas that would form a cycle. */
export class FormulaError extends Error {
  override readonly name = 'FormulaError'
  /** 1-based character position the message points at; null for errors of no one place. */
  readonly position: number | null

  constructor(message: string, position: number | null = null) {
    super(message)
    this.position = position
  }
}

export const MAX_CODE_LENGTH = 30
export const MAX_FORMULA_LENGTH = 2000
/** Brackets, function calls and signs nested inside each other. */
export const MAX_NESTING = 100
const MAX_ROUND_DECIMALS = 10

const CODE_CHARACTER = /[A-Za-z0-9_.-]/
const CODE = /^[A-Za-z0-9_.-]{1,30}$/
const DIGIT = /[0-9]/
const LETTER = /[A-Za-z]/
const SPACE = /\s/
const CODE_RULE = 'codes are 1 to 30 letters, digits, "_", "-" or "."'
const OPERAND = 'expected a number, a measure code or "("'

export function isMeasureCode(text: string): boolean {
  return CODE.test(text)
}

/** Codes match whatever their letter case; they are kept in upper case. */
export function normaliseCode(code: string): string {
  return code.toUpperCase()
}

function isFunctionName(name: string): name is FunctionName {
  return (FUNCTIONS as readonly string[]).includes(name)
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly at: number }
  | { readonly kind: 'code'; readonly code: string; readonly text: string; readonly at: number }
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly text: ''; readonly at: number }

const SYMBOLS = new Set(['+', '-', '*', '/', '(', ')', ','])

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const char = (index: number): string => text.charAt(index)
  const readWhile = (pattern: RegExp): void => {
    while (i < text.length && pattern.test(char(i))) i++
  }
  while (i < text.length) {
    const c = char(i)
    const at = i + 1
    if (SPACE.test(c)) {
      i++
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(char(i + 1)))) {
      const from = i
      readWhile(DIGIT)
      if (char(i) === '.' && DIGIT.test(char(i + 1))) {
        i++
        readWhile(DIGIT)
      }
      const written = text.slice(from, i)
      const value = Number(written)
      if (!Number.isFinite(value))
        throw new FormulaError(`The number at position ${at} is too large`, at)
      tokens.push({ kind: 'number', value, text: written, at })
    } else if (c === '[') {
      const token = readCode(text, i)
      tokens.push(token)
      i += token.text.length
    } else if (LETTER.test(c)) {
      const from = i
      readWhile(CODE_CHARACTER)
      tokens.push({ kind: 'word', text: text.slice(from, i), at })
    } else if (SYMBOLS.has(c)) {
      tokens.push({ kind: 'symbol', text: c, at })
      i++
    } else {
      // Whole characters, not halves of a surrogate pair, in the message.
      const shown = String.fromCodePoint(text.codePointAt(i) ?? 0)
      throw new FormulaError(`Unexpected "${shown}" at position ${at}${hintFor(shown)}`, at)
    }
  }
  tokens.push({ kind: 'end', text: '', at: text.length + 1 })
  return tokens
}

function hintFor(char: string): string {
  if (char === ']') return ': there is no "[" for it to close'
  if (char === '.') return ': write decimal numbers like 0.5'
  if ('^%×÷'.includes(char)) {
    return ': formulas use + - * / and the functions min, max, abs and round'
  }
  return ''
}

function readCode(text: string, open: number): Token {
  let i = open + 1
  while (i < text.length && CODE_CHARACTER.test(text.charAt(i))) i++
  const code = text.slice(open + 1, i)
  const at = open + 1
  if (i >= text.length) {
    throw new FormulaError(
      `Missing "]" at position ${i + 1} to close the "[" at position ${at}`,
      i + 1,
    )
  }
  if (text.charAt(i) !== ']') {
    throw new FormulaError(
      `Unexpected "${text.charAt(i)}" at position ${i + 1} in a measure code: ${CODE_RULE}`,
      i + 1,
    )
  }
  if (code === '') throw new FormulaError(`Empty measure code at position ${at}`, at)
  if (code.length > MAX_CODE_LENGTH) {
    throw new FormulaError(
      `The measure code at position ${at} is longer than ${MAX_CODE_LENGTH} characters`,
      at,
    )
  }
  return { kind: 'code', code: normaliseCode(code), text: text.slice(open, i + 1), at }
}

// ---------------------------------------------------------------------------------------------
// Parser

function describeToken(token: Token): string {
  return token.kind === 'end' ? 'end of formula' : `"${token.text}"`
}

class Parser {
  private index = 0
  private depth = 0
  private readonly tokens: readonly Token[]

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens
  }

  private peek(): Token {
    // The token list always ends with an end token, which is never consumed.
    return this.tokens[this.index] ?? { kind: 'end', text: '', at: 0 }
  }

  private next(): Token {
    const token = this.peek()
    if (token.kind !== 'end') this.index++
    return token
  }

  private isSymbol(text: string): boolean {
    const token = this.peek()
    return token.kind === 'symbol' && token.text === text
  }

  private unexpected(token: Token, hint: string): FormulaError {
    return new FormulaError(
      `Unexpected ${describeToken(token)} at position ${token.at}: ${hint}`,
      token.at,
    )
  }

  private nest(at: number): void {
    this.depth++
    if (this.depth > MAX_NESTING) {
      throw new FormulaError(
        `The formula is nested too deeply at position ${at}: use at most ${MAX_NESTING} levels`,
        at,
      )
    }
  }

  parseFormula(): FormulaNode {
    const node = this.parseSum()
    const token = this.peek()
    if (token.kind === 'end') return node
    if (token.kind === 'symbol' && token.text === ')') {
      throw new FormulaError(
        `Unexpected ")" at position ${token.at}: there is no "(" for it to close`,
        token.at,
      )
    }
    throw this.unexpected(token, 'expected an operator (+ - * /)')
  }

  private parseSum(): FormulaNode {
    let left = this.parseProduct()
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const operator = this.next().text as BinaryOperator
      left = { type: 'binary', operator, left, right: this.parseProduct() }
    }
    return left
  }

  private parseProduct(): FormulaNode {
    let left = this.parseUnary()
    while (this.isSymbol('*') || this.isSymbol('/')) {
      const operator = this.next().text as BinaryOperator
      left = { type: 'binary', operator, left, right: this.parseUnary() }
    }
    return left
  }

  private parseUnary(): FormulaNode {
    if (!this.isSymbol('-') && !this.isSymbol('+')) return this.parsePrimary()
    const sign = this.next()
    this.nest(sign.at)
    const operand = this.parseUnary()
    this.depth--
    return sign.text === '-' ? { type: 'negate', operand } : operand
  }

  private parsePrimary(): FormulaNode {
    const token = this.next()
    switch (token.kind) {
      case 'number':
        return { type: 'number', value: token.value }
      case 'code':
        return { type: 'measure', code: token.code }
      case 'word':
        return this.parseCall(token)
      case 'symbol':
        if (token.text === '(') {
          this.nest(token.at)
          const inner = this.parseSum()
          this.close(token, 'an operator or ")"')
          this.depth--
          return inner
        }
        throw this.unexpected(token, OPERAND)
      case 'end':
        throw this.unexpected(token, OPERAND)
    }
  }

  private close(open: Token, expected: string): void {
    const token = this.next()
    if (token.kind === 'symbol' && token.text === ')') return
    if (token.kind === 'end') {
      throw new FormulaError(
        `Missing ")" at position ${token.at} to close the "(" at position ${open.at}`,
        token.at,
      )
    }
    throw this.unexpected(token, `expected ${expected}`)
  }

  private parseCall(word: Token): FormulaNode {
    const name = word.text.toLowerCase()
    const open = this.peek()
    const called = open.kind === 'symbol' && open.text === '('
    if (!called) {
      if (isFunctionName(name)) {
        throw new FormulaError(`Expected "(" after ${name} at position ${open.at}`, open.at)
      }
      const example = isMeasureCode(word.text) ? normaliseCode(word.text) : 'HR01'
      throw new FormulaError(
        `Measure codes are written in square brackets, like [${example}]: "${word.text}" at position ${word.at}`,
        word.at,
      )
    }
    if (!isFunctionName(name)) {
      throw new FormulaError(
        `Unknown function "${word.text}" at position ${word.at}: use ${FUNCTIONS.slice(0, -1).join(', ')} or ${FUNCTIONS.at(-1) ?? ''}`,
        word.at,
      )
    }
    this.next()
    this.nest(open.at)
    const args: FormulaNode[] = []
    const positions: number[] = []
    if (!this.isSymbol(')')) {
      for (;;) {
        positions.push(this.peek().at)
        args.push(this.parseSum())
        if (!this.isSymbol(',')) break
        this.next()
      }
    }
    this.close(open, 'an operator, "," or ")"')
    this.depth--
    checkArguments(name, args, word.at, positions)
    return { type: 'call', name, args }
  }
}

function checkArguments(
  name: FunctionName,
  args: readonly FormulaNode[],
  at: number,
  positions: readonly number[],
): void {
  const n = args.length
  const values = (count: number): string => `${count} value${count === 1 ? '' : 's'}`
  if ((name === 'min' || name === 'max') && n < 2) {
    throw new FormulaError(`${name} at position ${at} takes at least 2 values, not ${n}`, at)
  }
  if (name === 'abs' && n !== 1) {
    throw new FormulaError(`abs at position ${at} takes 1 value, not ${values(n)}`, at)
  }
  if (name === 'round') {
    if (n < 1 || n > 2) {
      throw new FormulaError(`round at position ${at} takes 1 or 2 values, not ${n}`, at)
    }
    const places = args[1]
    if (
      places !== undefined &&
      (places.type !== 'number' ||
        !Number.isInteger(places.value) ||
        places.value > MAX_ROUND_DECIMALS)
    ) {
      const where = positions[1] ?? at
      throw new FormulaError(
        `The decimal places of round at position ${where} must be a whole number from 0 to ${MAX_ROUND_DECIMALS}`,
        where,
      )
    }
  }
}

/** Reads a formula; throws FormulaError saying what is wrong and where. */
export function parseFormula(text: string): FormulaNode {
  if (text.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(
      `Formulas can be at most ${MAX_FORMULA_LENGTH} characters long; this one has ${text.length}`,
      MAX_FORMULA_LENGTH + 1,
    )
  }
  if (text.trim() === '') throw new FormulaError('Empty formula', 1)
  return new Parser(tokenize(text)).parseFormula()
}

// ---------------------------------------------------------------------------------------------
// Printing

const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = { '+': 1, '-': 1, '*': 2, '/': 2 }
const UNARY = 3
const ATOM = 4

function precedence(node: FormulaNode): number {
  if (node.type === 'binary') return PRECEDENCE[node.operator]
  return node.type === 'negate' ? UNARY : ATOM
}

// Plain decimals, since String() writes 1e+21 and 1e-7, which formulas do not accept.
function formatNumber(value: number): string {
  const shortest = String(value)
  const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest)
  if (match === null) return shortest
  const [, first = '', rest = '', exponentText = ''] = match
  const digits = first + rest
  const point = 1 + Number(exponentText)
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`
  return digits.length <= point
    ? digits + '0'.repeat(point - digits.length)
    : `${digits.slice(0, point)}.${digits.slice(point)}`
}

function wrap(node: FormulaNode, parenthesise: boolean): string {
  const text = formatFormula(node)
  return parenthesise ? `(${text})` : text
}

/** Writes a formula back as text with only the brackets it needs; parsing it gives the same tree. */
export function formatFormula(node: FormulaNode): string {
  switch (node.type) {
    case 'number':
      return formatNumber(node.value)
    case 'measure':
      return `[${node.code}]`
    case 'negate':
      return `-${wrap(node.operand, precedence(node.operand) < UNARY)}`
    case 'binary': {
      const own = PRECEDENCE[node.operator]
      // Operators group from the left, so a right operand of equal precedence keeps its brackets.
      const left = wrap(node.left, precedence(node.left) < own)
      const right = wrap(node.right, precedence(node.right) <= own)
      return `${left} ${node.operator} ${right}`
    }
    case 'call':
      return `${node.name}(${node.args.map(formatFormula).join(', ')})`
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** The measure codes a formula uses, upper case, in order of first use. */
export function formulaInputs(node: FormulaNode): Set<string> {
  const codes = new Set<string>()
  const visit = (n: FormulaNode): void => {
    if (n.type === 'measure') codes.add(n.code)
    else if (n.type === 'negate') visit(n.operand)
    else if (n.type === 'binary') {
      visit(n.left)
      visit(n.right)
    } else if (n.type === 'call') n.args.forEach(visit)
  }
  visit(node)
  return codes
}

function finite(value: number): number | null {
  if (!Number.isFinite(value)) return null
  return value === 0 ? 0 : value
}

function evaluate(node: FormulaNode, values: ReadonlyMap<string, number | null>): number | null {
  switch (node.type) {
    case 'number':
      return node.value
    case 'measure': {
      const value = values.get(node.code)
      return value === undefined || value === null ? null : finite(value)
    }
    case 'negate': {
      const operand = evaluate(node.operand, values)
      return operand === null ? null : finite(-operand)
    }
    case 'binary': {
      const left = evaluate(node.left, values)
      const right = evaluate(node.right, values)
      if (left === null || right === null) return null
      if (node.operator === '+') return finite(left + right)
      if (node.operator === '-') return finite(left - right)
      if (node.operator === '*') return finite(left * right)
      return right === 0 ? null : finite(left / right)
    }
    case 'call': {
      const args: number[] = []
      for (const arg of node.args) {
        const value = evaluate(arg, values)
        if (value === null) return null
        args.push(value)
      }
      const [first = 0, second = 0] = args
      if (node.name === 'min') return Math.min(...args)
      if (node.name === 'max') return Math.max(...args)
      if (node.name === 'abs') return Math.abs(first)
      return roundTo(first, second)
    }
  }
}

/**
 * The formula's value from the other measures' values, keyed by upper-case code. Null when any
 * measure it uses has no value, and on division by zero: never NaN or Infinity.
 */
export function evaluateFormula(
  node: FormulaNode,
  valuesByCode: ReadonlyMap<string, number | null>,
): number | null {
  return evaluate(node, valuesByCode)
}

// ---------------------------------------------------------------------------------------------
// Dependencies: a graph maps each calculated measure's code to the codes its formula uses.

export type FormulaGraph = ReadonlyMap<string, ReadonlySet<string>>

function inputsOf(graph: FormulaGraph, code: string): string[] {
  return [...(graph.get(code) ?? [])].sort()
}

function codesOf(graph: FormulaGraph): string[] {
  const codes = new Set<string>()
  for (const [code, inputs] of graph) {
    codes.add(code)
    for (const input of inputs) codes.add(input)
  }
  return [...codes].sort()
}

type Walk =
  | { readonly order: string[]; readonly cycle: null }
  | { readonly order: null; readonly cycle: string[] }

// Depth first with an explicit stack, so a long chain of formulas cannot overflow the call stack.
function walk(graph: FormulaGraph, roots: readonly string[]): Walk {
  const done = new Set<string>()
  const order: string[] = []
  for (const root of roots) {
    if (done.has(root)) continue
    const stack = [{ code: root, inputs: inputsOf(graph, root), next: 0 }]
    const onStack = new Set([root])
    while (stack.length > 0) {
      const top = stack[stack.length - 1]
      if (top === undefined) break
      const input = top.inputs[top.next]
      if (input === undefined) {
        stack.pop()
        onStack.delete(top.code)
        done.add(top.code)
        order.push(top.code)
        continue
      }
      top.next++
      if (onStack.has(input)) {
        const from = stack.findIndex((frame) => frame.code === input)
        return { order: null, cycle: [...stack.slice(from).map((frame) => frame.code), input] }
      }
      if (!done.has(input)) {
        stack.push({ code: input, inputs: inputsOf(graph, input), next: 0 })
        onStack.add(input)
      }
    }
  }
  return { order, cycle: null }
}

/**
 * A cycle of formulas as codes, first and last the same (['A', 'B', 'A']: A uses B, B uses A),
 * or null. With `start`, the shortest cycle through that code: check a measure's new formula
 * by adding its inputs to the graph and asking for a cycle through it.
 */
export function findCycle(graph: FormulaGraph, start?: string): string[] | null {
  if (start === undefined) return walk(graph, codesOf(graph)).cycle
  // Breadth first from start, so the cycle reported is the shortest.
  const cameFrom = new Map<string, string>()
  let frontier = [start]
  while (frontier.length > 0) {
    const following: string[] = []
    for (const code of frontier) {
      for (const input of inputsOf(graph, code)) {
        if (input === start) {
          const path = [code]
          for (let at = cameFrom.get(code); at !== undefined; at = cameFrom.get(at)) path.push(at)
          return [...path.reverse(), start]
        }
        if (!cameFrom.has(input)) {
          cameFrom.set(input, code)
          following.push(input)
        }
      }
    }
    frontier = following
  }
  return null
}

/** The cycle in words: "[A] uses [B], which uses [A]". */
export function describeCycle(cycle: readonly string[]): string {
  const [first, ...rest] = cycle
  if (first === undefined) return ''
  if (rest.length === 1 && rest[0] === first) return `[${first}] uses itself`
  return `[${first}] uses ${rest.map((code) => `[${code}]`).join(', which uses ')}`
}

function cycleError(cycle: readonly string[]): FormulaError {
  return new FormulaError(`The formulas form a cycle: ${describeCycle(cycle)}`)
}

/** Every code in the graph, each after all the codes its formula uses; throws on a cycle. */
export function calculationOrder(graph: FormulaGraph): string[] {
  const result = walk(graph, codesOf(graph))
  if (result.cycle !== null) throw cycleError(result.cycle)
  return result.order
}

/**
 * The calculated measures to recompute when `code` changes, directly or through others, in an
 * order that computes each after its inputs. Does not include `code` itself.
 */
export function dependantsOf(graph: FormulaGraph, code: string): string[] {
  const users = new Map<string, string[]>()
  for (const [user, inputs] of graph) {
    for (const input of inputs) users.set(input, [...(users.get(input) ?? []), user])
  }
  const affected = new Set<string>()
  const queue = [code]
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const user of users.get(next) ?? []) {
      if (!affected.has(user)) {
        affected.add(user)
        queue.push(user)
      }
    }
  }
  if (affected.has(code)) throw cycleError(findCycle(graph, code) ?? [code, code])
  const within = new Map(
    [...affected].map((user) => [
      user,
      new Set(inputsOf(graph, user).filter((c) => affected.has(c))),
    ]),
  )
  const result = walk(within, [...affected].sort())
  if (result.cycle !== null) throw cycleError(result.cycle)
  return result.order
}
