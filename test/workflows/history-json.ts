import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

/**
 * Proto3 JSON for histories (the format `temporal workflow show -o json` writes). @temporalio/common's
 * historyToJSON/historyFromJSON throw "type must be a Type" in this install: it loads a second protobufjs copy, so
 * the converter comes from the copy @temporalio/proto itself uses.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(
  require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto'))] }),
) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJson(json: unknown): proto.temporal.api.history.v1.History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as proto.temporal.api.history.v1.History;
}
