import { createHmac } from 'node:crypto';
import { callbackHeaders, callbackSignature } from '../../src/callbacks/sign';
import { verifyCallback, verifyCallbackRequest } from '../../src/callbacks/verify';

const SECRET = 'whsec-test-0123456789abcdef0123456789';
const NOW = 1_760_000_000;
const BODY = JSON.stringify({ id: 'order-1:active:1', type: 'order.active', orderId: '1' });

const lowerCased = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

describe('callback signatures', () => {
  it('signs `${timestamp}.${body}` with HMAC-SHA256 as sha256=<hex>', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(callbackSignature(SECRET, NOW, BODY)).toBe(`sha256=${expected}`);
    expect(callbackHeaders(SECRET, 'order-1:active:1', BODY, NOW)).toEqual({
      'X-Signature': `sha256=${expected}`,
      'X-Timestamp': String(NOW),
      'X-Event-Id': 'order-1:active:1',
    });
  });

  it('accepts a correctly signed request and gives back its event id', () => {
    const headers = lowerCased(callbackHeaders(SECRET, 'order-1:active:1', BODY, NOW));
    expect(verifyCallbackRequest(SECRET, headers, BODY, NOW + 10)).toEqual({ ok: true, eventId: 'order-1:active:1' });
    expect(verifyCallbackRequest(SECRET, headers, Buffer.from(BODY), NOW - 10)).toEqual({
      ok: true,
      eventId: 'order-1:active:1',
    });
  });

  it('rejects a tampered body', () => {
    const headers = lowerCased(callbackHeaders(SECRET, 'e', BODY, NOW));
    expect(verifyCallbackRequest(SECRET, headers, BODY.replace('active', 'failed'), NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyCallbackRequest(SECRET, headers, `${BODY} `, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a signature made with another secret, or a tampered timestamp', () => {
    const headers = lowerCased(callbackHeaders('another-secret-0123456789abcdef01234', 'e', BODY, NOW));
    expect(verifyCallbackRequest(SECRET, headers, BODY, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    const moved = { ...lowerCased(callbackHeaders(SECRET, 'e', BODY, NOW)), 'x-timestamp': String(NOW + 1) };
    expect(verifyCallbackRequest(SECRET, moved, BODY, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects timestamps more than 5 minutes away from now, however well signed', () => {
    const headers = lowerCased(callbackHeaders(SECRET, 'e', BODY, NOW));
    expect(verifyCallbackRequest(SECRET, headers, BODY, NOW + 300)).toMatchObject({ ok: true });
    expect(verifyCallbackRequest(SECRET, headers, BODY, NOW + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyCallbackRequest(SECRET, headers, BODY, NOW - 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('rejects missing headers, malformed timestamps and signatures of the wrong length', () => {
    const signed = { secret: SECRET, body: BODY, nowSeconds: NOW, eventId: 'e', timestamp: String(NOW) };
    expect(verifyCallback({ ...signed, signature: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyCallback({ ...signed, signature: 'x', eventId: undefined })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyCallback({ ...signed, signature: 'x', timestamp: '1e9' })).toEqual({
      ok: false,
      reason: 'malformed_timestamp',
    });
    expect(verifyCallback({ ...signed, signature: 'sha256=abc' })).toEqual({ ok: false, reason: 'bad_signature' });
    const good = callbackSignature(SECRET, NOW, BODY);
    expect(verifyCallback({ ...signed, signature: good.toUpperCase() })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});
