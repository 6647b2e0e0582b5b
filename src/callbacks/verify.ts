import { timingSafeEqual } from 'node:crypto';
import { CALLBACK_HEADERS, CALLBACK_TOLERANCE_SECONDS } from './contract';
import { callbackSignature } from './sign';

export type VerifyFailure = 'missing_headers' | 'malformed_timestamp' | 'stale_timestamp' | 'bad_signature';
export type VerifyResult = { ok: true; eventId: string } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  secret: string;
  /** The raw request body, exactly as received (verify before parsing). */
  body: string | Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  eventId: string | undefined;
  /** Defaults to the current time. */
  nowSeconds?: number;
  toleranceSeconds?: number;
}

type HeaderBag = Record<string, string | string[] | undefined>;

const header = (headers: HeaderBag, name: string): string | undefined => {
  const value = headers[name.toLowerCase()] ?? headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Receiver-side check of a callback: the timestamp is within `toleranceSeconds` (5 minutes) of now and the
 * signature matches `${timestamp}.${body}` under `secret`, compared in constant time. De-duplicate on `eventId`
 * after a successful check.
 */
export function verifyCallback(input: VerifyInput): VerifyResult {
  const { signature, timestamp, eventId } = input;
  if (!signature || !timestamp || !eventId) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? CALLBACK_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const expected = Buffer.from(callbackSignature(input.secret, timestamp, input.body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  return { ok: true, eventId };
}

/** verifyCallback with the signature, timestamp and event id read from Node-style (lower-cased) request headers. */
export function verifyCallbackRequest(
  secret: string,
  headers: HeaderBag,
  body: string | Buffer,
  nowSeconds?: number,
): VerifyResult {
  return verifyCallback({
    secret,
    body,
    nowSeconds,
    signature: header(headers, CALLBACK_HEADERS.signature),
    timestamp: header(headers, CALLBACK_HEADERS.timestamp),
    eventId: header(headers, CALLBACK_HEADERS.eventId),
  });
}
