import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { closeApp } from './close-hooks';

export interface ListeningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (0 picks a free port); `close` stops accepting, ends idle keep-alive connections, and
 * resolves once the open requests and the app's background reads (see close-hooks) have finished.
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
      closing ??= Promise.all([
        closeApp(app),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
      ]).then(() => undefined);
      return closing;
    },
  };
}
