import * as protos from '@temporalio/proto';

export { temporal, google, grpc } from '@temporalio/proto';
export const api = protos.temporal.api;
export const enums = protos.temporal.api.enums.v1;

type Long = { toNumber(): number };

/** A protobufjs message type with int64 fields as plain numbers, as the codecs here produce and accept. */
export type Plain<T> = T extends Long ? number : T extends Uint8Array ? T : T extends Array<infer U> ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
export type Int64 = number | Long | null | undefined;

interface ReflectedType {
  decode(buf: Uint8Array): object;
  encode(msg: object): { finish(): Uint8Array };
  toObject(msg: object, opts: object): Record<string, unknown>;
}
interface ReflectedMethod { name: string; resolvedRequestType: ReflectedType; resolvedResponseType: ReflectedType }
interface ReflectedService { methodsArray: ReflectedMethod[]; resolveAll(): ReflectedService }
interface ReflectedRoot { lookupService(name: string): ReflectedService; lookupType(name: string): ReflectedType }

const root = protos as unknown as ReflectedRoot;

const toObjectOptions = { longs: Number, defaults: false, oneofs: true, bytes: Buffer };

export interface RpcMethod {
  name: string;
  decode(buf: Buffer): unknown;
  encode(msg: unknown): Buffer;
}

/** Methods of a gRPC service defined in the SDK's protos, with codecs that yield plain objects (int64 as number). */
export function serviceMethods(fullName: string): RpcMethod[] {
  const service = root.lookupService(fullName).resolveAll();
  return service.methodsArray.map((m) => ({
    name: m.name,
    decode: (buf: Buffer) => m.resolvedRequestType.toObject(m.resolvedRequestType.decode(buf), toObjectOptions),
    encode: (msg: unknown) => Buffer.from(m.resolvedResponseType.encode(msg as object).finish()),
  }));
}

export function encodeMessage(typeName: string, msg: object): Buffer {
  return Buffer.from(root.lookupType(typeName).encode(msg).finish());
}

export function decodeMessage<T>(typeName: string, buf: Uint8Array): T {
  const t = root.lookupType(typeName);
  return t.toObject(t.decode(buf), toObjectOptions) as T;
}

export function num(v: Int64): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export interface Timestamp { seconds?: Int64; nanos?: number | null }

export function toTimestamp(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function fromTimestamp(ts: Timestamp | null | undefined): number | undefined {
  if (!ts) return undefined;
  return num(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Milliseconds of a Duration; 0 when absent (Temporal's "unlimited"). */
export function durationMs(d: Timestamp | null | undefined): number {
  return fromTimestamp(d) ?? 0;
}

export const toDuration = toTimestamp;

export interface Payload { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }

/** Decodes a json/plain or binary/null payload (search attributes, memo) to a JS value. */
export function payloadValue(p: Payload | null | undefined): unknown {
  if (!p) return undefined;
  const encoding = p.metadata?.encoding ? Buffer.from(p.metadata.encoding).toString() : '';
  if (encoding === 'binary/null') return null;
  if (!p.data || p.data.length === 0) return null;
  const text = Buffer.from(p.data).toString();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function payloadType(p: Payload | null | undefined): string | undefined {
  const t = p?.metadata?.type;
  return t ? Buffer.from(t).toString() : undefined;
}

export function jsonPayload(value: unknown, type?: string): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: Buffer.from('json/plain') };
  if (type) metadata.type = Buffer.from(type);
  return { metadata, data: Buffer.from(JSON.stringify(value)) };
}
