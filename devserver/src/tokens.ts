import { notFound } from './errors';

/** What a task token names; opaque to workers, which only hand it back. */
export type TaskToken =
  | { k: 'w'; ns: string; rid: string; s: number; v: number }
  | { k: 'a'; ns: string; wid: string; rid: string; s: number; v: number; at: number }
  | { k: 'q'; id: string };

export function encodeToken(t: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(t));
}

export function decodeToken(buf: Uint8Array | null | undefined): TaskToken {
  try {
    const t = JSON.parse(Buffer.from(buf ?? []).toString()) as TaskToken;
    if (t && typeof t === 'object' && 'k' in t) return t;
  } catch {
    /* falls through to the error below */
  }
  throw notFound('Task token is malformed or not issued by this server.');
}
