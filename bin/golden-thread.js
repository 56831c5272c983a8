#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly; npm puts the pinned Node first on PATH.
await import('../src/main.ts')
