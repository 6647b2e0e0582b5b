/** One AES-256 key of PAYLOAD_ENCRYPTION_KEY: its id (recorded on each payload it encrypts) and its 32 bytes. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The id of a key given without one (`PAYLOAD_ENCRYPTION_KEY=<base64>`). */
export const DEFAULT_KEY_ID = 'default';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeKey(text: string, id: string): Buffer {
  const trimmed = text.trim();
  const key = BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error(`key ${id} must be the base64 of 32 random bytes (openssl rand -base64 32)`);
  return key;
}

/**
 * Parses PAYLOAD_ENCRYPTION_KEY: either one base64 key (id `default`), or comma-separated `id:base64key` entries,
 * newest first (the first encrypts, every one decrypts). Error messages name key ids, never key material.
 */
export function parseEncryptionKeys(text: string): EncryptionKey[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error('no key given');
  if (entries.length === 1 && !entries[0].includes(':'))
    return [{ id: DEFAULT_KEY_ID, key: decodeKey(entries[0], DEFAULT_KEY_ID) }];
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) throw new Error(`entry ${i + 1} must be id:base64key (id: letters, digits, . _ -)`);
    return { id, key: decodeKey(entry.slice(colon + 1), id) };
  });
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}
