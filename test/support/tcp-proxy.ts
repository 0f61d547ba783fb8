import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of the database, so a test can cut the connection
 * and restore it on the same address, whatever server sits behind it.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number
  ) {}

  /** Starts relaying; the first call picks a free port, later ones reuse it. */
  async open(): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });

    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => done());
    });

    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;

    return this.port;
  }

  /** Refuses new connections and drops the open ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;

    for (const socket of this.sockets) {
      socket.destroy();
    }

    this.sockets.clear();
    await new Promise<void>((done) =>
      server ? server.close(() => done()) : done()
    );
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

/** The host and port of a mongodb:// URI with a single host. */
export function hostAndPort(uri: string): { host: string; port: number } {
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^:/,]+)(?::(\d+))?/.exec(uri);

  if (!match?.[1]) {
    throw new Error('the test database URI must name a single host');
  }

  return { host: match[1], port: Number(match[2] ?? 27017) };
}
