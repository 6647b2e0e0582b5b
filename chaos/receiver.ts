import { createServer, type Server } from 'node:http';
import { verifyWebhook } from '../src/callbacks/standard-webhooks';

/** The panel side of callbacks: verifies each Standard Webhooks signature and de-duplicates on webhook-id, as a receiver must. */
export class CallbackReceiver {
  readonly events = new Map<string, { orderId: string; status: string; deliveries: number }>();
  rejected = 0;
  private server: Server | undefined;

  constructor(private readonly secret: string) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const verified = verifyWebhook([this.secret], req.headers, body);
        if (!verified.ok) {
          this.rejected += 1;
          res.writeHead(401).end();
          return;
        }
        const event = JSON.parse(body.toString()) as { orderId: string; status: string };
        const seen = this.events.get(verified.id);
        if (seen) seen.deliveries += 1;
        else this.events.set(verified.id, { orderId: event.orderId, status: event.status, deliveries: 1 });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/callbacks`;
  }

  /** Distinct events received for an order. */
  eventsOf(orderId: string): Array<{ status: string; deliveries: number }> {
    return [...this.events.values()].filter((e) => e.orderId === orderId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
