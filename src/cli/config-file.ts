import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {LineCounter, parseDocument, isNode} from 'yaml'
import {CONFIG_SCHEMA, type ConfigFile} from '../core/config.js'
import {UsageError} from '../core/errors.js'

/** Where the config is looked for when --config is not given: the working directory, then XDG. */
export function configCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return [resolve('.signoz-ha.yaml'), resolve('.signoz-ha.yml'), join(xdg, 'signoz-ha', 'config.yaml')]
}

let validate: ReturnType<Ajv2020['compile']> | undefined

/**
 * Loads and validates the config file: the explicit path (which must exist), else the first
 * candidate that exists, else none. Any problem is a usage error naming the file, the key and
 * its line.
 */
export function loadConfig(explicit?: string): {path?: string; config: ConfigFile} {
  const path = explicit ? resolve(explicit) : configCandidates().find((p) => existsSync(p))
  if (!path) return {config: {}}
  if (!existsSync(path)) throw new UsageError(`config file ${explicit} does not exist`)
  const lines = new LineCounter()
  const doc = parseDocument(readFileSync(path, 'utf8'), {lineCounter: lines, prettyErrors: false})
  if (doc.errors.length) {
    const e = doc.errors[0]!
    throw new UsageError(`config file ${path} is not valid YAML (line ${lines.linePos(e.pos[0]).line}): ${e.message.split('\n')[0]}`)
  }
  const config = (doc.toJS() ?? {}) as ConfigFile
  validate ??= new Ajv2020({allErrors: true, strict: false}).compile(CONFIG_SCHEMA)
  if (!validate(config)) {
    const e = validate.errors![0]!
    // JSON Pointer segments (~1 is "/", ~0 is "~"): check ids contain slashes.
    const keys = e.instancePath
      .split('/')
      .filter(Boolean)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    const node = doc.getIn(keys, true)
    const line = isNode(node) && node.range ? ` (line ${lines.linePos(node.range[0]).line})` : ''
    const where = keys.length ? keys.join('.') : 'the top level'
    const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as {additionalProperty: string}).additionalProperty}"` : ''
    throw new UsageError(`config file ${path}: ${where}${line} ${e.message}${extra}`, 'see the README section "Configuration"')
  }
  return {path, config}
}
