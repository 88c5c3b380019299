/**
 * Preloaded with `NODE_OPTIONS=--import=<this file>` into a child Vitest run (and its workers): makes the directory
 * named by LMSCALE_TEST_READ_ONLY_DIR behave as on a read-only file system, which root in a container cannot get
 * from chmod. Reading works, `mkdir -p` of a directory that exists works; creating, writing or renaming anything
 * under it fails with EROFS, as Node reports it. Plain JavaScript so Node 20 can preload it.
 */
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { resolve, sep } from 'node:path'

const readOnly = process.env.LMSCALE_TEST_READ_ONLY_DIR && resolve(process.env.LMSCALE_TEST_READ_ONLY_DIR)
const inside = path => typeof path === 'string' && (resolve(path) === readOnly || resolve(path).startsWith(readOnly + sep))

function refuse(syscall, path) {
  return Object.assign(new Error(`EROFS: read-only file system, ${syscall} '${path}'`), { errno: -30, code: 'EROFS', syscall, path })
}

if (readOnly) {
  const { writeFileSync, appendFileSync, renameSync, mkdirSync, openSync } = fs
  fs.writeFileSync = (path, ...rest) => {
    if (inside(path)) throw refuse('open', path)
    return writeFileSync(path, ...rest)
  }
  fs.appendFileSync = (path, ...rest) => {
    if (inside(path)) throw refuse('open', path)
    return appendFileSync(path, ...rest)
  }
  fs.renameSync = (from, to) => {
    if (inside(from) || inside(to)) throw refuse('rename', from)
    return renameSync(from, to)
  }
  fs.mkdirSync = (path, options) => {
    if (inside(path) && !fs.existsSync(path)) throw refuse('mkdir', path)
    return mkdirSync(path, options)
  }
  fs.openSync = (path, flags, ...rest) => {
    if (inside(path) && flags !== undefined && flags !== 'r') throw refuse('open', path)
    return openSync(path, flags, ...rest)
  }
  syncBuiltinESMExports()
}
