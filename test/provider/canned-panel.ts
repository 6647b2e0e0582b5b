import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Send headers, then never finish the body. */
  stallBody?: boolean;
  /** Never answer at all. */
  hang?: boolean;
}

export type CannedHandler = (req: RecordedRequest) => CannedResponse;

/** A local HTTP server answering with canned Pterodactyl-shaped responses, recording every request. */
export async function startCannedPanel(handler: CannedHandler): Promise<{
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: raw === '' ? undefined : (JSON.parse(raw) as unknown),
      };
      requests.push(recorded);
      const canned = handler(recorded);
      if (canned.hang) return;
      const payload = canned.json !== undefined ? JSON.stringify(canned.json) : (canned.text ?? '');
      const type = canned.json !== undefined ? { 'content-type': 'application/json' } : {};
      res.writeHead(canned.status, { ...type, ...canned.headers });
      if (canned.stallBody) {
        res.write(payload.slice(0, 1));
        return;
      }
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const panelError = (
  status: number,
  code: string,
  detail: string,
  meta?: { source_field: string; rule: string },
) => ({
  code,
  status: String(status),
  detail,
  ...(meta ? { meta } : {}),
});

export const serverAttributes = (overrides: Record<string, unknown> = {}) => ({
  id: 7,
  external_id: 'order-1',
  uuid: 'a1b2c3d4-0000-4000-8000-000000000000',
  identifier: 'a1b2c3d4',
  name: 'mc',
  description: '',
  status: 'installing',
  suspended: false,
  limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100, threads: null, oom_disabled: true },
  feature_limits: { databases: 0, allocations: 1, backups: 0 },
  user: 1,
  node: 1,
  allocation: 3,
  nest: 1,
  egg: 1,
  container: { startup_command: 'java -jar server.jar', image: 'ghcr.io/x/java', installed: 0, environment: {} },
  created_at: '2026-01-01T00:00:00+00:00',
  updated_at: '2026-01-01T00:00:00+00:00',
  ...overrides,
});
