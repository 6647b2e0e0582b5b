import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  headers: http.IncomingHttpHeaders;
  body: string;
  path: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Answer only after this long (to exercise the sender's timeout). */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  received: ReceivedCallback[];
  /** Decides each answer (default 204); runs before the request is answered. */
  reply: (request: ReceivedCallback, index: number) => Promise<Reply> | Reply;
  close(): Promise<void>;
}

/** A local HTTP endpoint standing in for the panel's callback route. */
export async function startReceiver(): Promise<Receiver> {
  const pending = new Set<NodeJS.Timeout>();
  const receiver: Receiver = {
    url: '',
    received: [],
    reply: () => ({ status: 204 }),
    close: async () => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '/' };
      const index = receiver.received.push(request) - 1;
      void Promise.resolve(receiver.reply(request, index)).then(
        (r) => {
          const send = () => res.writeHead(r.status, r.headers).end();
          if (!r.delayMs) return send();
          const timer = setTimeout(() => {
            pending.delete(timer);
            send();
          }, r.delayMs);
          pending.add(timer);
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/server-queue`;
  return receiver;
}
