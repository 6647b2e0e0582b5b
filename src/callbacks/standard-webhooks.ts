import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { CALLBACK_TOLERANCE_SECONDS, STANDARD_WEBHOOK_HEADERS } from './contract';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/), symmetric `v1` scheme: HMAC-SHA256 over
 * `${id}.${timestamp}.${body}`, keyed by the bytes of the secret, base64-encoded, sent as `v1,<base64>`; several
 * signatures (one per key during a rotation) are space-separated. Signing is the reference package's Webhook.sign.
 */

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** The spec asks for keys of 24 to 64 bytes (192 to 512 bits). */
export const MIN_KEY_BYTES = 24;
export const MAX_KEY_BYTES = 64;

/**
 * The key bytes of a `whsec_<base64>` secret; throws (never echoing the secret) when it has no `whsec_` prefix, is not
 * base64, or decodes to fewer than 24 or more than 64 bytes.
 */
export function webhookKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('must start with whsec_');
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) throw new Error('must be whsec_ followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES)
    throw new Error(`must decode to ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`);
  return key;
}

/** The legacy CALLBACK_SECRET as a Standard Webhooks secret: its UTF-8 bytes, i.e. `whsec_` + base64(secret). */
export const legacySecretAsWebhookSecret = (raw: string): string =>
  `${PREFIX}${Buffer.from(raw, 'utf8').toString('base64')}`;

/** `v1,<base64>`: one signature of `${id}.${timestamp}.${body}` under `key` (unix seconds), by Webhook.sign. */
export function webhookSignature(key: Uint8Array, id: string, timestamp: number | string, body: string | Buffer) {
  return new Webhook(key, { format: 'raw' }).sign(id, new Date(Number(timestamp) * 1000), body);
}

/** The three Standard Webhooks headers of one attempt, signed with every key in `keys` (newest first). */
export function webhookHeaders(
  keys: readonly Uint8Array[],
  id: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  if (!keys.length) throw new Error('at least one signing key is required');
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: id,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(nowSeconds),
    [STANDARD_WEBHOOK_HEADERS.signature]: keys.map((key) => webhookSignature(key, id, nowSeconds, body)).join(' '),
  };
}

export type WebhookVerifyFailure = 'missing_headers' | 'malformed_timestamp' | 'stale_timestamp' | 'bad_signature';
export type WebhookVerifyResult = { ok: true; id: string } | { ok: false; reason: WebhookVerifyFailure };

type HeaderBag = Record<string, string | string[] | undefined>;
const header = (headers: HeaderBag, name: string): string | undefined => {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Receiver-side check, as the spec describes it (and as lenient about the secret as its libraries: any length): the timestamp within 5 minutes of now, and any one `v1,` signature of
 * the header matching under any one of `secrets` (`whsec_...`). Other versions (`v1a,` ...) are ignored.
 */
export function verifyWebhook(
  secrets: readonly string[],
  headers: HeaderBag,
  body: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): WebhookVerifyResult {
  const id = header(headers, STANDARD_WEBHOOK_HEADERS.id);
  const timestamp = header(headers, STANDARD_WEBHOOK_HEADERS.timestamp);
  const signatures = header(headers, STANDARD_WEBHOOK_HEADERS.signature);
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > CALLBACK_TOLERANCE_SECONDS)
    return { ok: false, reason: 'stale_timestamp' };
  const given = signatures.split(' ').filter((s) => s.startsWith('v1,'));
  for (const secret of secrets) {
    const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
    const expected = webhookSignature(key, id, timestamp, body);
    if (given.some((s) => equal(s, expected))) return { ok: true, id };
  }
  return { ok: false, reason: 'bad_signature' };
}
