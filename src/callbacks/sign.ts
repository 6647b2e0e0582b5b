import { createHmac } from 'node:crypto';
import { CALLBACK_HEADERS } from './contract';
import { signingKeys, type CallbackSigning } from './secrets';
import { webhookHeaders } from './standard-webhooks';

/** `sha256=<hex>`: HMAC-SHA256 with `secret` over `${timestamp}.${body}`. */
export function callbackSignature(secret: string, timestamp: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body);
  return `sha256=${mac.digest('hex')}`;
}

/** The legacy signing headers of one delivery attempt of event `eventId` with `body`, stamped `nowSeconds`. */
export function callbackHeaders(
  secret: string,
  eventId: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    [CALLBACK_HEADERS.signature]: callbackSignature(secret, nowSeconds, body),
    [CALLBACK_HEADERS.timestamp]: String(nowSeconds),
    [CALLBACK_HEADERS.eventId]: eventId,
  };
}

/**
 * All signing headers of one attempt: the Standard Webhooks ones (one `v1,` signature per secret, see
 * signingKeys), plus the legacy ones when `legacyHeaders` is on (the default) and CALLBACK_SECRET is set.
 * Undefined when there is no secret at all.
 */
export function callbackSigningHeaders(
  signing: CallbackSigning,
  eventId: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> | undefined {
  const keys = signingKeys(signing);
  if (!keys.length) return undefined;
  const headers = webhookHeaders(keys, eventId, body, nowSeconds);
  if ((signing.legacyHeaders ?? true) && signing.legacySecret !== undefined)
    Object.assign(headers, callbackHeaders(signing.legacySecret, eventId, body, nowSeconds));
  return headers;
}
