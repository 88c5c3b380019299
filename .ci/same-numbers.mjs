// Fails unless two results.json files hold the same cases with identical metric values.
import { readFileSync } from 'node:fs'

const [a, b] = process.argv.slice(2).map(path => JSON.parse(readFileSync(path, 'utf8')))
const key = c => `${c.study}/${c.model}/${c.task}`
const other = new Map(b.cases.map(c => [key(c), c]))
const problems = []
for (const c of a.cases) {
  const o = other.get(key(c))
  if (!o) problems.push(`${key(c)} missing from the second run`)
  else
    for (const [metric, { value }] of Object.entries(c.record.metrics)) {
      if (o.record.metrics[metric]?.value !== value) problems.push(`${key(c)} ${metric}: ${value} vs ${o.record.metrics[metric]?.value}`)
    }
}
if (a.cases.length !== b.cases.length) problems.push(`${a.cases.length} cases vs ${b.cases.length}`)
if (problems.length) {
  console.error(`results differ between the legs:\n${problems.join('\n')}`)
  process.exit(1)
}
console.log(`same numbers in both legs: ${a.cases.length} cases`)
