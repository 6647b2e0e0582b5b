import { randomBytes } from 'node:crypto';
import { callbackSigningHeaders } from '../../src/callbacks/sign';
import {
  legacySecretAsWebhookSecret,
  verifyWebhook,
  webhookHeaders,
  webhookKey,
  webhookSignature,
} from '../../src/callbacks/standard-webhooks';
import { verifyCallbackRequest } from '../../src/callbacks/verify';
import { Webhook } from 'standardwebhooks';
import { specVerify, verifiesWith } from './spec-verifier';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const OLD = newSecret();
const NEW = newSecret();
const LEGACY = 'legacy-callback-secret-0123456789abcdef';
const ID = 'order-1:active:1';
const BODY = JSON.stringify({ id: ID, type: 'order.active', orderId: '1' });
const now = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signatures', () => {
  it('matches the reference vector of the Standard Webhooks libraries', () => {
    const key = webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(webhookSignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('sends webhook-id, webhook-timestamp (unix seconds) and one v1 signature, verifiable per the spec', () => {
    const t = now();
    const headers = webhookHeaders([webhookKey(NEW)], ID, BODY, t);
    expect(headers).toEqual({
      'webhook-id': ID,
      'webhook-timestamp': String(t),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    });
    expect(verifiesWith(NEW, headers, BODY)).toBe(true);
    expect(verifyWebhook([NEW], headers, BODY, t)).toEqual({ ok: true, id: ID });
  });

  it('signs with every secret during a rotation: the event verifies with the old and with the new one', () => {
    const headers = webhookHeaders([webhookKey(NEW), webhookKey(OLD)], ID, BODY, now());
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifiesWith(NEW, headers, BODY)).toBe(true);
    expect(verifiesWith(OLD, headers, BODY)).toBe(true);
    expect(verifiesWith(newSecret(), headers, BODY)).toBe(false);
    expect(verifyWebhook([OLD], headers, BODY)).toMatchObject({ ok: true });
  });

  it('binds the id, the timestamp and the body', () => {
    const t = now();
    const headers = webhookHeaders([webhookKey(NEW)], ID, BODY, t);
    const otherId = { ...headers, 'webhook-id': 'order-1:active:2' };
    expect(verifiesWith(NEW, otherId, BODY)).toBe(false);
    expect(verifyWebhook([NEW], otherId, BODY, t)).toEqual({ ok: false, reason: 'bad_signature' });
    const otherTime = { ...headers, 'webhook-timestamp': String(t - 1) };
    expect(verifiesWith(NEW, otherTime, BODY)).toBe(false);
    expect(verifiesWith(NEW, headers, BODY.replace('active', 'failed'))).toBe(false);
  });

  it('refuses timestamps more than 5 minutes away, and missing or malformed headers', () => {
    const t = now();
    const headers = webhookHeaders([webhookKey(NEW)], ID, BODY, t);
    expect(verifyWebhook([NEW], headers, BODY, t + 300)).toMatchObject({ ok: true });
    expect(verifyWebhook([NEW], headers, BODY, t + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWebhook([NEW], { ...headers, 'webhook-id': undefined }, BODY, t)).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyWebhook([NEW], { ...headers, 'webhook-timestamp': '1e9' }, BODY, t)).toEqual({
      ok: false,
      reason: 'malformed_timestamp',
    });
  });

  it('reads CALLBACK_SECRET as a key of its UTF-8 bytes: whsec_ + base64(secret) verifies', () => {
    const headers = callbackSigningHeaders({ legacySecret: LEGACY }, ID, BODY, now());
    expect(legacySecretAsWebhookSecret(LEGACY)).toBe(`whsec_${Buffer.from(LEGACY).toString('base64')}`);
    expect(verifiesWith(legacySecretAsWebhookSecret(LEGACY), headers ?? {}, BODY)).toBe(true);
  });

  it('signs with a CALLBACK_SECRET of any length (its bytes, even beyond 64), once even if also listed', () => {
    const long = 'x'.repeat(100);
    const headers = callbackSigningHeaders({ legacySecret: long }, ID, BODY, now()) ?? {};
    expect(verifiesWith(legacySecretAsWebhookSecret(long), headers, BODY)).toBe(true);
    const ascii = 'legacy-secret-that-is-exactly-32-bytes-long!'.slice(0, 32);
    const both = callbackSigningHeaders(
      { secrets: [legacySecretAsWebhookSecret(ascii)], legacySecret: ascii },
      ID,
      BODY,
    );
    expect(both?.['webhook-signature'].split(' ')).toHaveLength(1);
  });

  it('refuses secrets that are not whsec_ + base64 of 24 to 64 bytes, without echoing them', () => {
    expect(() => webhookKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow('must start with whsec_');
    expect(() => webhookKey('whsec_not base64!')).toThrow('must be whsec_ followed by base64');
    expect(() => webhookKey(`whsec_${randomBytes(16).toString('base64')}`)).toThrow('must decode to 24 to 64 bytes');
    expect(() => webhookKey(`whsec_${randomBytes(65).toString('base64')}`)).toThrow('must decode to 24 to 64 bytes');
  });
});

describe('callbackSigningHeaders', () => {
  const t = now();

  it('signs with CALLBACK_SECRETS, then CALLBACK_SECRET, and adds the legacy headers by default', () => {
    const headers = callbackSigningHeaders({ secrets: [NEW, OLD], legacySecret: LEGACY }, ID, BODY, t) ?? {};
    expect(headers['webhook-signature'].split(' ')).toHaveLength(3);
    for (const secret of [NEW, OLD, legacySecretAsWebhookSecret(LEGACY)])
      expect(verifiesWith(secret, headers, BODY)).toBe(true);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyCallbackRequest(LEGACY, lower, BODY, t)).toEqual({ ok: true, eventId: ID });
  });

  it('leaves the legacy headers out when CALLBACK_LEGACY_HEADERS is off, or without CALLBACK_SECRET', () => {
    const off = callbackSigningHeaders({ secrets: [NEW], legacySecret: LEGACY, legacyHeaders: false }, ID, BODY, t);
    expect(Object.keys(off ?? {}).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(off?.['webhook-signature'].split(' ')).toHaveLength(2);
    const noLegacy = callbackSigningHeaders({ secrets: [NEW], legacyHeaders: true }, ID, BODY, t);
    expect(Object.keys(noLegacy ?? {}).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
  });

  it('gives nothing without any secret', () => {
    expect(callbackSigningHeaders({}, ID, BODY, t)).toBeUndefined();
    expect(callbackSigningHeaders({ secrets: [] }, ID, BODY, t)).toBeUndefined();
  });
});

describe('the spec-exact verifier (independent of Webhook.sign)', () => {
  it('agrees with our headers, so signing is checked against the spec and not only against the package', () => {
    const headers = webhookHeaders([webhookKey(NEW), webhookKey(OLD)], ID, BODY, 1_600_000_000);
    expect(specVerify(OLD, headers, BODY)).toBe(true);
    expect(specVerify(NEW, { ...headers, 'webhook-id': 'other' }, BODY)).toBe(false);
    expect(new Webhook(NEW).sign(ID, new Date(1_600_000_000_000), BODY)).toBe(
      headers['webhook-signature'].split(' ')[0],
    );
  });
});
