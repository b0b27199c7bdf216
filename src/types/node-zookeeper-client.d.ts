declare module 'node-zookeeper-client' {
  // The library ships no types; only what src/gateways/zookeeper.ts uses is declared.
  interface Client {
    once(event: 'connected', listener: () => void): void
    connect(): void
    close(): void
    getData(path: string, cb: (error: Error | null, data: Buffer) => void): void
    exists(path: string, cb: (error: Error | null, stat: unknown) => void): void
    create(path: string, data: Buffer, mode: number, cb: (error: Error | null, path: string) => void): void
    remove(path: string, version: number, cb: (error: Error | null) => void): void
  }
  const zookeeper: {
    createClient(connectString: string, options?: {sessionTimeout?: number; retries?: number}): Client
    CreateMode: {PERSISTENT: number}
  }
  export default zookeeper
}
