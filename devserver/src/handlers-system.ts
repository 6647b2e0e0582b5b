import { status } from '@grpc/grpc-js';
import type { Ctx } from './ctx';
import { describeTaskQueue } from './describe-task-queue';
import { failedPrecondition, RpcError } from './errors';
import { addSearchAttributes, describeNamespace, namespaceDescription, registerNamespace, saveNamespace, updateNamespace } from './namespaces';
import { durationMs, fromTimestamp, temporal, toTimestamp, Plain } from './proto';
import type { Handlers } from './rpc';
import { systemSearchAttributes } from './search-attributes';

type Svc = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof Svc> = Svc[K] extends { create(p?: infer P): unknown } ? Plain<P> : never;
export const SERVER_VERSION = '1.24.0-embedded';

export function systemHandlers(ctx: Ctx): Handlers {
  return {
    GetSystemInfo: () => ({
      serverVersion: SERVER_VERSION,
      capabilities: {
        signalAndQueryHeader: true, internalErrorDifferentiation: true, activityFailureIncludeHeartbeat: true,
        supportsSchedules: false, encodedFailureAttributes: true, buildIdBasedVersioning: false, upsertMemo: true,
        eagerWorkflowStart: false, sdkMetadata: true, countGroupByExecutionStatus: true, nexus: false,
      },
    }),
    GetClusterInfo: () => ({ clusterName: 'active', serverVersion: SERVER_VERSION, clusterId: 'embedded', historyShardCount: 1, persistenceStore: 'sqlite', visibilityStore: 'memory' }),
    RegisterNamespace: (req: Req<'RegisterNamespaceRequest'>) => registerNamespace(ctx, req),
    DescribeNamespace: (req: Req<'DescribeNamespaceRequest'>) => describeNamespace(ctx, req),
    UpdateNamespace: (req: Req<'UpdateNamespaceRequest'>) => updateNamespace(ctx, req),
    ListNamespaces: () => ({ namespaces: [...ctx.namespaces.values()].map(namespaceDescription) }),
    GetSearchAttributes: () => ({ keys: { ...systemSearchAttributes, ...Object.assign({}, ...[...ctx.namespaces.values()].map((n) => n.searchAttributes)) } }),
    DescribeTaskQueue: (req: Req<'DescribeTaskQueueRequest'>) => describeTaskQueue(ctx, req),
  };
}

type Op = typeof temporal.api.operatorservice.v1;
type OpReq<K extends keyof Op> = Op[K] extends { create(p?: infer P): unknown } ? Plain<P> : never;

export function operatorHandlers(ctx: Ctx): Handlers {
  return {
    AddSearchAttributes: (req: OpReq<'AddSearchAttributesRequest'>) => (addSearchAttributes(ctx, req.namespace, req.searchAttributes ?? {}), {}),
    RemoveSearchAttributes: (req: OpReq<'RemoveSearchAttributesRequest'>) => {
      const ns = ctx.namespace(req.namespace);
      for (const name of req.searchAttributes ?? []) {
        if (ns.searchAttributes[name] === undefined) throw new RpcError(status.NOT_FOUND, `Search attribute ${name} doesn't exist.`);
        delete ns.searchAttributes[name];
      }
      saveNamespace(ctx, ns);
      return {};
    },
    ListSearchAttributes: (req: OpReq<'ListSearchAttributesRequest'>) => ({
      customAttributes: ctx.namespace(req.namespace).searchAttributes,
      systemAttributes: systemSearchAttributes,
      storageSchema: {},
    }),
  };
}

type Ts = typeof temporal.api.testservice.v1;
type TsReq<K extends keyof Ts> = Ts[K] extends { create(p?: infer P): unknown } ? Plain<P> : never;

/** The Java test server's time-skipping API. */
export function testHandlers(ctx: Ctx): Handlers {
  const clock = ctx.clock;
  const unlock = () => {
    if (clock.lockCount <= 0) throw failedPrecondition('Time skipping is not locked: unbalanced UnlockTimeSkipping call.');
    clock.unlock();
  };
  return {
    LockTimeSkipping: () => (clock.lock(), {}),
    UnlockTimeSkipping: () => (unlock(), {}),
    Sleep: async (req: TsReq<'SleepRequest'>) => (await clock.sleep(durationMs(req.duration)), {}),
    SleepUntil: async (req: TsReq<'SleepUntilRequest'>) => (await clock.sleep((fromTimestamp(req.timestamp) ?? 0) - clock.now()), {}),
    UnlockTimeSkippingWithSleep: async (req: TsReq<'SleepRequest'>) => {
      unlock();
      try {
        await clock.sleep(durationMs(req.duration));
      } finally {
        clock.lock();
      }
      return {};
    },
    GetCurrentTime: () => ({ time: toTimestamp(clock.now()) }),
  };
}

export function healthHandlers(): Handlers {
  return { Check: () => ({ status: 1 }) };
}
