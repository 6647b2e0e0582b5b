import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

type Headers = Record<string, string | string[] | undefined>;
const one = (headers: Headers, name: string): string => {
  const value = headers[name];
  if (typeof value !== 'string') throw new Error(`no ${name} header`);
  return value;
};

/**
 * A verifier written from the spec alone, independent of src/: the key is the base64 after `whsec_`, the signed
 * content `${webhook-id}.${webhook-timestamp}.${body}`, and any `v1,<base64 HMAC-SHA256>` of the space-separated
 * webhook-signature may match. No timestamp tolerance (the tests check that separately).
 */
export function specVerify(secret: string, headers: Headers, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${one(headers, 'webhook-id')}.${one(headers, 'webhook-timestamp')}.${body}`;
  const expected = Buffer.from(createHmac('sha256', key).update(content).digest('base64'));
  return one(headers, 'webhook-signature')
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3)))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}

/**
 * Whether a delivery (stamped within the last 5 minutes) verifies under `secret`: by the reference package's
 * Webhook.verify, which a receiver would use, and by the spec-exact verifier; the two must agree. `headers` as Node
 * gives them (lower-cased).
 */
export function verifiesWith(secret: string, headers: Headers, body: string): boolean {
  const ours = specVerify(secret, headers, body);
  const plain = Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, one(headers, name)]),
  );
  let theirs = true;
  try {
    new Webhook(secret).verify(body, plain);
  } catch {
    theirs = false;
  }
  if (theirs !== ours) throw new Error(`standardwebhooks says ${theirs}, the spec verifier ${ours}`);
  return ours;
}
