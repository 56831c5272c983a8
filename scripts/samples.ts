// Writes the sample files of docs/samples from the module that defines them:
//   node scripts/samples.ts
import { writeFile } from 'node:fs/promises'
import { pentanaSamples } from '../src/features/exchange/index.ts'

for (const [name, text] of Object.entries(pentanaSamples())) {
  const url = new URL(`../docs/samples/${name}`, import.meta.url)
  await writeFile(url, text)
  console.log(`wrote docs/samples/${name}`)
}
