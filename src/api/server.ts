import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ListeningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (0 picks a free port); `close` stops accepting, ends idle keep-alive connections and emits
 * the app's `close` (its background sampling stops).
 */
export async function listenApi(app: Express, port: number, host: string): Promise<ListeningApi> {
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${address.port}`,
    port: address.port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        app.emit('close');
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
