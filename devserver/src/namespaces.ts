import type { Ctx } from './ctx';
import { RpcError, requireField } from './errors';
import { status } from '@grpc/grpc-js';
import { durationMs, enums, temporal, toDuration, Plain } from './proto';
import { parseIndexedValueType, systemSearchAttributes } from './search-attributes';
import type { NamespaceRecord } from './store';

export function ensureNamespace(ctx: Ctx, name: string, retentionMs = ctx.options.retentionMs): NamespaceRecord {
  let ns = ctx.namespaces.get(name);
  if (!ns) {
    ns = { name, id: ctx.newId(), description: '', retentionMs, searchAttributes: {} };
    ctx.namespaces.set(name, ns);
    ctx.store.saveNamespace(ns);
  }
  return ns;
}

/** OperatorService AddSearchAttributes: registers custom attributes; re-adding one with the same type is a no-op. */
export function addSearchAttributes(ctx: Ctx, namespace: string | null | undefined, attrs: Record<string, string | number>): void {
  const ns = ctx.namespace(namespace);
  for (const [name, typeText] of Object.entries(attrs)) {
    const type = parseIndexedValueType(typeText);
    if (systemSearchAttributes[name] !== undefined) throw new RpcError(status.INVALID_ARGUMENT, `Search attribute ${name} is reserved by system.`);
    if (ns.searchAttributes[name] !== undefined && ns.searchAttributes[name] !== type) {
      throw new RpcError(status.ALREADY_EXISTS, `Search attribute ${name} already exists with another type.`);
    }
    ns.searchAttributes[name] = type;
  }
  saveNamespace(ctx, ns);
}

export function saveNamespace(ctx: Ctx, ns: NamespaceRecord): void {
  ctx.store.saveNamespace(ns);
}

export function namespaceDescription(ns: NamespaceRecord) {
  return {
    namespaceInfo: { name: ns.name, id: ns.id, description: ns.description, state: enums.NamespaceState.NAMESPACE_STATE_REGISTERED, data: {},
      capabilities: { workerPollCompleteOnShutdown: true } },
    config: {
      workflowExecutionRetentionTtl: toDuration(ns.retentionMs),
      historyArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
      visibilityArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
      customSearchAttributeAliases: Object.fromEntries(Object.keys(ns.searchAttributes).map((k) => [k, k])),
    },
    replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }], state: enums.ReplicationState.REPLICATION_STATE_NORMAL },
    failoverVersion: 0,
    isGlobalNamespace: false,
  };
}

export function registerNamespace(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IRegisterNamespaceRequest>): object {
  requireField(req.namespace, 'Namespace');
  if (ctx.namespaces.has(req.namespace!)) throw new RpcError(status.ALREADY_EXISTS, 'Namespace already exists.', { typeName: 'temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure', value: {} });
  const ns = ensureNamespace(ctx, req.namespace!, durationMs(req.workflowExecutionRetentionPeriod) || ctx.options.retentionMs);
  ns.description = req.description ?? '';
  saveNamespace(ctx, ns);
  return {};
}

export function describeNamespace(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IDescribeNamespaceRequest>) {
  if (req.id) {
    const ns = [...ctx.namespaces.values()].find((n) => n.id === req.id);
    if (ns) return namespaceDescription(ns);
  }
  return namespaceDescription(ctx.namespace(req.namespace || (req.id ? '\u0000' : 'default')));
}

export function updateNamespace(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IUpdateNamespaceRequest>) {
  const ns = ctx.namespace(req.namespace);
  if (req.updateInfo?.description !== undefined && req.updateInfo.description !== null) ns.description = req.updateInfo.description;
  const ttl = durationMs(req.config?.workflowExecutionRetentionTtl);
  if (ttl > 0) ns.retentionMs = ttl;
  saveNamespace(ctx, ns);
  return namespaceDescription(ns);
}
