import { webhookKey } from './standard-webhooks';

/**
 * Parses CALLBACK_SECRETS: comma-separated Standard Webhooks secrets (`whsec_<base64>`), newest first. Throws an Error
 * naming the bad entry by position, never echoing a secret, when one is malformed or repeated.
 */
export function parseCallbackSecrets(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error('no secret given');
  entries.forEach((entry, i) => {
    try {
      webhookKey(entry);
    } catch (err) {
      throw new Error(`entry ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
    const first = entries.indexOf(entry);
    if (first !== i) throw new Error(`entry ${i + 1}: the same secret as entry ${first + 1}`);
  });
  return entries;
}

/** How the worker signs callbacks: the CALLBACK_* settings, never passed through workflows. */
export interface CallbackSigning {
  /** CALLBACK_SECRETS, `whsec_...`, newest first. */
  secrets?: readonly string[];
  /** CALLBACK_SECRET (raw, 32+ characters): the legacy headers' key, and the oldest Standard Webhooks key. */
  legacySecret?: string;
  /** CALLBACK_LEGACY_HEADERS: also send X-Signature, X-Timestamp and X-Event-Id (needs CALLBACK_SECRET); default on. */
  legacyHeaders?: boolean;
}

/**
 * Every key the worker signs with per Standard Webhooks, newest first: those of CALLBACK_SECRETS, then CALLBACK_SECRET's
 * UTF-8 bytes (whatever its length; `whsec_` + base64 of it for a receiver) unless already listed. Empty: callbacks
 * cannot be signed.
 */
export function signingKeys(signing: CallbackSigning): Buffer[] {
  const keys = (signing.secrets ?? []).map(webhookKey);
  if (signing.legacySecret !== undefined) {
    const legacy = Buffer.from(signing.legacySecret, 'utf8');
    if (!keys.some((key) => key.equals(legacy))) keys.push(legacy);
  }
  return keys;
}
