import http from 'node:http';
import https from 'node:https';
import type { OutboundGuard } from './outbound-guard';

export interface GuardedPostInit {
  headers: Record<string, string>;
  body: string;
  /** Aborts the request (timeout, activity cancellation); it then rejects with the signal's AbortError. */
  signal?: AbortSignal;
}

/** The answer's status line and headers; its body is never read. */
export interface OutboundResponse {
  status: number;
  headers: Headers;
}

function headersOf(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * One POST of `init.body` to `url` through `guard` (src/net/outbound-guard.ts): the URL is checked first, then its
 * hostname is resolved once by the guard's lookup and the socket connects only to the addresses that lookup checked.
 * Redirects are not followed (a 3xx is the answer); the response body is discarded unread, on a connection of its
 * own (no keep-alive pool, so no socket outlives its check). Rejects with OutboundRefusedError when the guard refuses.
 */
export async function guardedPost(guard: OutboundGuard, url: string, init: GuardedPostInit): Promise<OutboundResponse> {
  const target = new URL(url);
  guard.checkUrl(target);
  if (target.username || target.password) throw new TypeError('a URL with credentials is not supported');
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const req = client.request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) },
        lookup: guard.lookup,
        agent: false,
        signal: init.signal,
      },
      (res) => {
        resolve({ status: res.statusCode ?? 0, headers: headersOf(res) });
        res.destroy();
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
