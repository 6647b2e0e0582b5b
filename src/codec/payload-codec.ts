import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { EncryptionKey } from './encryption-keys';

/** The `encoding` of an encrypted payload; its `data` is IV (12 bytes), ciphertext, GCM tag (16 bytes). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A payload the codec cannot decrypt: its key id is not configured, or it was altered. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

const encodePayload = (payload: Payload): Uint8Array =>
  temporal.api.common.v1.Payload.encode(temporal.api.common.v1.Payload.create(payload)).finish();

/**
 * AES-256-GCM over whole payloads (metadata and data): encode encrypts with the first key under a fresh 12-byte IV
 * and records its id (`encryption-key-id`); decode decrypts with the key the payload names and passes payloads that
 * are not encrypted through unchanged (histories written before encryption stay readable and replayable).
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  // True private fields: a logged or serialized codec shows no key material (see toJSON).
  readonly #byId: Map<string, Buffer>;
  readonly #current: EncryptionKey;

  constructor(keys: readonly EncryptionKey[]) {
    if (!keys.length) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.#current = keys[0];
    this.#byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The key ids, newest first. */
  get keyIds(): string[] {
    return [...this.#byId.keys()];
  }

  toJSON(): { keyIds: string[] } {
    return { keyIds: this.keyIds };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    const sealed = Buffer.concat([cipher.update(encodePayload(payload)), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(this.#current.id) },
      data: Buffer.concat([iv, sealed]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? decoder.decode(idBytes) : '';
    const key = this.#byId.get(id);
    if (!key)
      throw new PayloadDecryptionError(
        `payload encrypted with key id "${id}", which PAYLOAD_ENCRYPTION_KEY does not hold (configured: ${[...this.#byId.keys()].join(', ')})`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`encrypted payload (key ${id}) is too short`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload (key ${id}) failed authentication: altered or wrong key`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

/** The data converter of every client and worker: the codec when PAYLOAD_ENCRYPTION_KEY is set, Temporal's default otherwise. */
export function dataConverterFor(codec: PayloadCodec | undefined): DataConverter | undefined {
  return codec ? { payloadCodecs: [codec] } : undefined;
}
