import {connect} from 'node:net'

/**
 * Sends a ZooKeeper/Keeper four-letter command (ruok, mntr, srvr) and returns the answer,
 * or undefined when nothing answers within the timeout.
 */
export function fourLetterWord(host: string, port: number, word: 'ruok' | 'mntr' | 'srvr' | 'stat', timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    let answer = ''
    const finish = (value: string | undefined) => {
      socket.destroy()
      resolve(value)
    }
    socket.setTimeout(timeoutMs, () => finish(undefined))
    socket.once('connect', () => socket.write(word))
    socket.on('data', (chunk) => (answer += chunk.toString()))
    socket.once('end', () => finish(answer))
    socket.once('error', () => finish(undefined))
  })
}
