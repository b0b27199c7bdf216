// A TCP proxy that delays every byte by a fixed time in each direction: the bench's stand-in for a
// cluster far away (40 ms each way = an 80 ms round trip). Usage:
//   node scripts/latency-proxy.mjs TARGET_PORT DELAY_MS_EACH_WAY   → prints "listening PORT"
// Order is kept: chunks leave in the order they came, each DELAY_MS after it came.
import {connect, createServer} from 'node:net'

const [targetPort, delayArg] = process.argv.slice(2).map(Number)
if (!targetPort || !(delayArg >= 0)) {
  console.error('usage: latency-proxy.mjs TARGET_PORT DELAY_MS_EACH_WAY')
  process.exit(2)
}

/** Forwards from → to with the delay; the end (FIN) is delayed like the data. */
function delayed(from, to) {
  from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayArg))
  from.on('end', () => setTimeout(() => to.end(), delayArg))
  from.on('error', () => to.destroy())
  from.on('close', () => setTimeout(() => to.destroy(), delayArg + 5))
}

const server = createServer({noDelay: true}, (client) => {
  // The connection itself takes a round trip (the SYN and its answer cross the distance).
  client.pause()
  setTimeout(() => {
    const upstream = connect({host: '127.0.0.1', port: targetPort, noDelay: true}, () => {
      delayed(client, upstream)
      delayed(upstream, client)
      client.resume()
    })
    upstream.on('error', () => client.destroy())
  }, delayArg * 2)
})
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`))
process.on('SIGTERM', () => process.exit(0))
