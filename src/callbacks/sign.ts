import { createHmac } from 'node:crypto';
import { CALLBACK_HEADERS } from './contract';

/** `sha256=<hex>`: HMAC-SHA256 with `secret` over `${timestamp}.${body}`. */
export function callbackSignature(secret: string, timestamp: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body);
  return `sha256=${mac.digest('hex')}`;
}

/** The signing headers of one delivery attempt of event `eventId` with `body`, stamped `nowSeconds`. */
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
