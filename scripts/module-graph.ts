// The graph of imports between the parts of src/: each feature folder, core, db, web and the
// files at the top of src/. The module rules (docs/decisions.md, "Features as modules") ask that
// this graph has no cycle; test/module-boundaries.test.ts holds it to that, and running this file
// prints the graph's cycles: node scripts/module-graph.ts [--types]
import { globSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

export interface ImportEdge {
  readonly from: string // file, relative to the root
  readonly to: string // file, relative to the root
  readonly typeOnly: boolean
}

/** Every relative import in the non-test TypeScript under src/, resolved to a file. */
export function importsUnder(root: string, { tests = false } = {}): ImportEdge[] {
  const files = globSync('src/**/*.ts', { cwd: root }).filter(
    (file) => tests || !file.endsWith('.test.ts'),
  )
  const edges: ImportEdge[] = []
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(root, file), 'utf8'),
      ts.ScriptTarget.Latest,
    )
    const add = (specifier: string, typeOnly: boolean) => {
      if (!specifier.startsWith('.')) return
      edges.push({
        from: file,
        to: relative(root, resolve(root, dirname(file), specifier)),
        typeOnly,
      })
    }
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        // `import type …` is erased; `import { type A }` still loads the module under
        // verbatimModuleSyntax, so it counts as a runtime import.
        add(
          node.moduleSpecifier.text,
          node.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword,
        )
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        add(node.moduleSpecifier.text, node.isTypeOnly)
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        add(node.arguments[0].text, false)
      } else if (ts.isImportTypeNode(node)) {
        const argument = node.argument
        if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
          add(argument.literal.text, true)
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return edges
}

/** The part of src/ a file belongs to: features/<name>, core, db, db/migrations, web, or a top-level file. */
export function partOf(file: string): string {
  const parts = file.split('/')
  if (parts[0] !== 'src') return parts[0] ?? file
  if (parts[1] === 'features' && parts.length > 3) return `features/${parts[2]}`
  // Migrations are a layer of their own above db/: they read the schema and core, once.
  if (parts[1] === 'db' && parts[2] === 'migrations') return 'db/migrations'
  if (parts.length > 2) return parts[1] ?? file
  return parts[1] ?? file
}

/** Edges between parts, each with the imports that make it. */
export function partGraph(edges: readonly ImportEdge[], { types = false } = {}) {
  const graph = new Map<string, Map<string, ImportEdge[]>>()
  for (const edge of edges) {
    if (edge.typeOnly && !types) continue
    const from = partOf(edge.from)
    const to = partOf(edge.to)
    if (from === to) continue
    const out = graph.get(from) ?? new Map<string, ImportEdge[]>()
    graph.set(from, out)
    out.set(to, [...(out.get(to) ?? []), edge])
  }
  return graph
}

/** Strongly connected components of more than one part (Tarjan), largest first. */
export function tangles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let next = 0
  const connect = (node: string) => {
    index.set(node, next)
    low.set(node, next)
    next += 1
    stack.push(node)
    onStack.add(node)
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        connect(to)
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string | undefined
      do {
        member = stack.pop()
        if (member === undefined) break
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node)
  return found.sort((a, b) => b.length - a.length)
}

/** One shortest cycle through a tangle, as a path that ends where it starts. */
export function cycleIn(
  graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  tangle: readonly string[],
): string[] {
  const members = new Set(tangle)
  let best: string[] = []
  for (const start of tangle) {
    const previous = new Map<string, string>([[start, start]])
    let frontier = [start]
    let closed: string | undefined
    while (frontier.length > 0 && closed === undefined) {
      const following: string[] = []
      for (const node of frontier) {
        for (const to of graph.get(node)?.keys() ?? []) {
          if (!members.has(to)) continue
          if (to === start) {
            closed = node
            break
          }
          if (previous.has(to)) continue
          previous.set(to, node)
          following.push(to)
        }
        if (closed !== undefined) break
      }
      frontier = following
    }
    if (closed === undefined) continue
    const path = [start]
    for (let node = closed; node !== start; node = previous.get(node) ?? start)
      path.splice(1, 0, node)
    path.push(start)
    if (best.length === 0 || path.length < best.length) best = path
  }
  return best
}

/** Pairs of parts that import each other. */
export function twoWayPairs(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const pairs: string[][] = []
  for (const [from, out] of graph) {
    for (const to of out.keys()) {
      if (from < to && graph.get(to)?.has(from)) pairs.push([from, to])
    }
  }
  return pairs.sort((a, b) => a.join().localeCompare(b.join()))
}

if (import.meta.main) {
  const types = process.argv.includes('--types')
  const root = resolve(import.meta.dirname, '..')
  const graph = partGraph(importsUnder(root), { types })
  const parts = new Set([...graph.keys(), ...[...graph.values()].flatMap((out) => [...out.keys()])])
  console.log(`${parts.size} parts, ${types ? 'runtime and type' : 'runtime'} imports`)
  const found = tangles(graph)
  for (const tangle of found) {
    console.log(`\nA cycle of ${tangle.length} parts: ${tangle.join(', ')}`)
    console.log(`  for example ${cycleIn(graph, tangle).join(' → ')}`)
  }
  const pairs = twoWayPairs(graph)
  console.log(`\n${pairs.length} two-way pairs:`)
  for (const [a = '', b = ''] of pairs) {
    const there = graph.get(a)?.get(b) ?? []
    const back = graph.get(b)?.get(a) ?? []
    console.log(`  ${a} ⇄ ${b}  (${there.length} / ${back.length} imports)`)
  }
  if (found.length === 0) console.log('No cycle.')
}
