import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  parseEncryptionKeys,
} from '../../src/codec';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

const key = () => randomBytes(32).toString('base64');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const order = { orderId: 'o-1', environment: { RCON_PASSWORD: 'hunter2-secret' } };
const plain = () => defaultPayloadConverter.toPayload(order);

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload, and its encoded form holds no plaintext', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(key()));
    const [encoded] = await codec.encode([plain()]);
    expect(text(encoded.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded.metadata?.[KEY_ID_METADATA])).toBe('default');
    expect(Buffer.from(encoded.data!).includes('hunter2')).toBe(false);
    const [decoded] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(order);
  });

  it('uses a fresh IV for each payload', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(key()));
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('passes payloads that are not encrypted through unchanged', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(key()));
    const payload = plain();
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  it('fails clearly on an unknown key id', async () => {
    const [encoded] = await new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${key()}`)).encode([plain()]);
    const other = new AesGcmPayloadCodec(parseEncryptionKeys(`k2:${key()}`));
    await expect(other.decode([encoded])).rejects.toThrow(PayloadDecryptionError);
    await expect(other.decode([encoded])).rejects.toThrow(/key id "k1".*configured: k2/);
  });

  it('rotates: new payloads use the first key, payloads of the old key still decrypt', async () => {
    const oldKey = key();
    const [old] = await new AesGcmPayloadCodec(parseEncryptionKeys(`2025:${oldKey}`)).encode([plain()]);
    const rotated = new AesGcmPayloadCodec(parseEncryptionKeys(`2026:${key()}, 2025:${oldKey}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toEqual(order);
    const [fresh] = await rotated.encode([plain()]);
    expect(text(fresh.metadata?.[KEY_ID_METADATA])).toBe('2026');
  });

  it('refuses altered ciphertext', async () => {
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(key()));
    const [encoded] = await codec.encode([plain()]);
    const data = Buffer.from(encoded.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/failed authentication/);
  });

  it('shows no key material when logged or serialized', () => {
    const secret = key();
    const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${secret}`));
    expect(JSON.stringify({ codec })).toBe('{"codec":{"keyIds":["k1"]}}');
    const lines: string[] = [];
    createLogger({}, { write: (l: string) => lines.push(l) }).info({ PAYLOAD_ENCRYPTION_KEY: secret, codec }, 'x');
    expect(lines.join('')).not.toContain(secret);
  });
});

describe('PAYLOAD_ENCRYPTION_KEY', () => {
  it('is optional: without it there is no codec', () => {
    expect(loadConfig({}).payloadCodec).toBeUndefined();
  });

  it('takes one key or id:key entries, newest first', () => {
    expect(loadConfig({ PAYLOAD_ENCRYPTION_KEY: key() }).payloadCodec?.keyIds).toEqual(['default']);
    expect(loadConfig({ PAYLOAD_ENCRYPTION_KEY: `b:${key()},a:${key()}` }).payloadCodec?.keyIds).toEqual(['b', 'a']);
  });

  it.each([
    ['short', randomBytes(16).toString('base64'), /32 random bytes/],
    ['not base64', '!'.repeat(44), /32 random bytes/],
    ['duplicate ids', `a:${key()},a:${key()}`, /unique/],
    ['missing id', `a:${key()},${key()}`, /entry 2/],
  ])('refuses %s, naming the variable and never the value', (_name, value, reason) => {
    let message = '';
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEY: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PAYLOAD_ENCRYPTION_KEY/);
    expect(message).toMatch(reason);
    expect(message).not.toContain(value);
  });
});
