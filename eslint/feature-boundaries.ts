// The module rules (docs/decisions.md, "Features as modules"), as an ESLint rule:
// - outside a feature's folder, a feature is imported only through its public face,
//   src/features/<name>/index.ts (its own files, tests included, may import its internals);
// - src/core/, src/web/ and src/db/ (migrations included) import no feature at all; their tests
//   may import a feature's face (never its internals), as they run nothing in production.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import type { ESLint, Rule } from 'eslint'
import type { Node } from 'estree'

const FEATURE = /^src\/features\/([^/]+)\/(.+)$/
const NO_FEATURES: readonly (readonly [string, string])[] = [
  ['src/core/', 'src/core/ is the shared kernel'],
  ['src/web/', 'src/web/ is the application shell'],
  ['src/db/', 'src/db/ (and its migrations, which must not change when feature code does)'],
]

/** A path relative to the project root, with forward slashes. */
function fromRoot(cwd: string, file: string): string {
  const path = isAbsolute(file) ? relative(cwd, file) : file
  return path.split(sep).join('/')
}

export const featureBoundaries: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Features are imported only through their public face, index.ts' },
    schema: [],
    messages: {
      internals:
        "Import the {{feature}} feature through its public face, src/features/{{feature}}/index.ts, not '{{target}}' (export what you need from there).",
      noFeatures: '{{why}} and imports no feature: not {{target}}.',
    },
  },
  create(context) {
    const importer = fromRoot(context.cwd, context.filename)
    const importerFeature = FEATURE.exec(importer)?.[1] ?? null
    const isTest = importer.endsWith('.test.ts')
    const forbidden = isTest
      ? undefined
      : NO_FEATURES.find(([prefix]) => importer.startsWith(prefix))

    function check(node: Node, source: { value?: unknown } | null | undefined) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return
      const target = fromRoot(context.cwd, resolve(context.cwd, dirname(importer), source.value))
      const match = FEATURE.exec(target)
      if (!match) return
      const [, feature = '', rest] = match
      if (forbidden) {
        context.report({ node, messageId: 'noFeatures', data: { why: forbidden[1], target } })
        return
      }
      if (feature !== importerFeature && rest !== 'index.ts') {
        context.report({ node, messageId: 'internals', data: { feature, target } })
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null),
    }
  },
}

const plugin: ESLint.Plugin = { rules: { 'feature-boundaries': featureBoundaries } }
export default plugin
