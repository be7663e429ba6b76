import * as net from 'node:net';

export interface CountingProxy {
  readonly port: number;
  /** TCP connections accepted so far: each is one attempt to reach the API server. */
  readonly connections: number;
  /** Connections open right now (a socket held by a watch or a stream counts until it closes). */
  readonly open: number;
  close(): Promise<void>;
}

/**
 * A loopback TCP relay in front of the API server that counts connections. TLS passes through
 * untouched (the server's certificate is for 127.0.0.1, any port). While the server is down the
 * relay still accepts, then drops the client: every retry shows up as one connection.
 */
export async function countingProxy(targetPort: number): Promise<CountingProxy> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    sockets.add(client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      drop();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      drop();
    });
    client.on('error', drop);
    upstream.on('error', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get connections() {
      return connections;
    },
    get open() {
      let n = 0;
      for (const s of sockets) if (s.remotePort !== targetPort) n++;
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
