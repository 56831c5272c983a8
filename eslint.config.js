import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import goldenThread from './eslint/feature-boundaries.ts'

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'test-output/', 'src/web/static/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Fastify plugins and handlers are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['it', 'describe', 'test', 'suite'], package: 'node:test' },
          ],
        },
      ],
    },
  },
  {
    // Features as modules: each is imported only through its index.ts (docs/decisions.md).
    files: ['**/*.ts'],
    plugins: { 'golden-thread': goldenThread },
    rules: { 'golden-thread/feature-boundaries': 'error' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
)
