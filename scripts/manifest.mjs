// Writes oclif.manifest.json from the built commands, so a run (and --help, --version)
// does not import every command to learn their flags.
import {Config} from '@oclif/core'
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const config = await Config.load({root, ignoreManifest: true})
const manifest = config.rootPlugin.manifest
if (!manifest || Object.keys(manifest.commands).length === 0) throw new Error('no commands found for the manifest')
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(manifest, null, 2)}\n`)
