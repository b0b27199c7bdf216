import zookeeper from 'node-zookeeper-client'
import {GatewayError} from './errors.js'

/** The few ZooKeeper operations the lab's faults need, as promises. */
export interface ZookeeperSession {
  getData(path: string): Promise<Buffer | undefined>
  exists(path: string): Promise<boolean>
  create(path: string, data: Buffer): Promise<void>
  remove(path: string): Promise<void>
}

/** Opens a session, runs fn, always closes. */
export async function withZookeeper<T>(connectString: string, fn: (zk: ZookeeperSession) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const client = zookeeper.createClient(connectString, {sessionTimeout: timeoutMs, retries: 1})
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GatewayError('timeout', 'no ZooKeeper session', connectString)), timeoutMs)
    client.once('connected', () => {
      clearTimeout(timer)
      resolve()
    })
    client.connect()
  })
  const call = <R>(op: (cb: (error: Error | null, result?: R) => void) => void): Promise<R | undefined> =>
    new Promise((resolve, reject) => op((error, result) => (error ? reject(new GatewayError('server', error.message, connectString)) : resolve(result))))
  try {
    return await fn({
      getData: (path) => call<Buffer>((cb) => client.getData(path, (e: Error | null, data: Buffer) => cb(e, data))),
      exists: async (path) => Boolean(await call<unknown>((cb) => client.exists(path, (e: Error | null, stat: unknown) => cb(e, stat)))),
      create: async (path, data) => {
        await call<string>((cb) => client.create(path, data, zookeeper.CreateMode.PERSISTENT, (e: Error | null, p: string) => cb(e, p)))
      },
      remove: async (path) => {
        await call<void>((cb) => client.remove(path, -1, (e: Error | null) => cb(e)))
      },
    })
  } finally {
    client.close()
  }
}
