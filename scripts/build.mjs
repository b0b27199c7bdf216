// Bundles the CLI with esbuild: one small entry chunk, heavy modules split into
// chunks that only the commands needing them load.
import {build} from 'esbuild'
import {rmSync} from 'node:fs'
import {dirname} from 'node:path'

const quiet = process.argv.includes('--quiet')
rmSync('dist', {recursive: true, force: true})
const result = await build({
  entryPoints: {
    cli: 'src/cli/main.ts',
    commands: 'commands/index.ts',
    'lab-agent': 'src/lab/agent/main.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'none',
  // Smaller code parses faster: start-up is most of a doctor run.
  minify: true,
  keepNames: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    // CommonJS dependencies bundled into ESM still call require() for builtins.
    js: "import {createRequire as __signozHaCreateRequire} from 'node:module'; const require = __signozHaCreateRequire(import.meta.url);",
  },
  logLevel: quiet ? 'error' : 'info',
  plugins: [
    {
      // client-node's kubeconfig module imports its generated API's index for two names; the
      // index re-exports every API and model (3 MB). Those two come from their own modules here,
      // so a run that only reads the kubeconfig does not load (or even parse) the rest.
      name: 'client-node-config-only',
      setup(b) {
        b.onResolve({filter: /^\.\/gen\/index\.js$/}, (args) =>
          /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/.test(args.importer)
            ? {path: 'client-node-config-gen', namespace: 'signoz-ha', pluginData: {dir: dirname(args.importer)}}
            : undefined,
        )
        // What the kubeconfig module needs only for proxies, other auth providers and its own HTTP
        // client (undici, 742 kB) loads on first use, not with every run.
        const LAZY = {
          undici: ['Agent', 'ProxyAgent', 'fetch'],
          socks: ['SocksClient'],
          'socks-proxy-agent': ['SocksProxyAgent'],
          hpagent: ['HttpProxyAgent', 'HttpsProxyAgent'],
          'jsonpath-plus': ['JSONPath'],
        }
        b.onResolve({filter: /^(undici|socks|socks-proxy-agent|hpagent|jsonpath-plus)$/}, (args) =>
          /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/.test(args.importer)
            ? {path: args.path, namespace: 'signoz-ha-lazy', pluginData: {dir: args.resolveDir}}
            : undefined,
        )
        b.onLoad({filter: /.*/, namespace: 'signoz-ha-lazy'}, (args) => ({
          contents: [
            `let loaded; const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
            'const lazy = (name) => new Proxy(function () {}, {construct: (_, a) => Reflect.construct(load()[name], a), apply: (_, t, a) => load()[name].apply(t, a), get: (_, p) => load()[name][p]});',
            ...LAZY[args.path].map((name) => `export const ${name} = lazy(${JSON.stringify(name)});`),
          ].join('\n'),
          resolveDir: args.pluginData.dir,
          loader: 'js',
        }))
        b.onLoad({filter: /.*/, namespace: 'signoz-ha'}, (args) => ({
          contents: "export {createConfiguration} from './gen/configuration.js'; export {ServerConfiguration} from './gen/servers.js'",
          resolveDir: args.pluginData.dir,
          loader: 'js',
        }))
      },
    },
  ],
})
if (process.env.SIGNOZ_HA_METAFILE) (await import('node:fs')).writeFileSync(process.env.SIGNOZ_HA_METAFILE, JSON.stringify(result.metafile))
// The command manifest is derived from the bundle just built.
rmSync('oclif.manifest.json', {force: true})
const {execFileSync} = await import('node:child_process')
execFileSync(process.execPath, ['scripts/manifest.mjs'], {stdio: 'inherit'})

if (!quiet) {
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'))
  const total = outputs.reduce((sum, [, o]) => sum + o.bytes, 0)
  console.log(`built ${outputs.length} files, ${(total / 1024).toFixed(0)} KiB`)
}
