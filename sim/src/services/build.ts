import type { SimContext } from '../context';
import { displayError, validationError } from '../http/errors';
import type { ServerPatch } from '../store/servers';
import type { ServerRow } from '../store/rows';
import { atomTimestamp } from '../time';
import { BUILD_ATTRIBUTES, buildRules } from '../validation/server-rules';
import { validate } from '../../../src/provider/validation/validator';
import { asList, asRecord, toBool, toInt, toIntOrNull } from './coerce';

const LIMIT_FIELDS = ['memory', 'swap', 'io', 'cpu', 'disk'] as const;

function limitPatch(input: Record<string, unknown>): ServerPatch {
  const merged: Record<string, unknown> = { ...input, ...asRecord(input.limits) };
  const patch: ServerPatch = {};
  for (const field of LIMIT_FIELDS)
    if (merged[field] !== undefined && merged[field] !== null) patch[field] = toInt(merged[field]);
  if (merged.threads !== undefined) patch.threads = merged.threads === null ? null : String(merged.threads);
  if (input.oom_disabled !== undefined && input.oom_disabled !== null)
    patch.oom_disabled = toBool(input.oom_disabled) ? 1 : 0;
  return patch;
}

/** BuildModificationService.processAllocations; returns the default allocation id to keep. */
function processAllocations(
  ctx: SimContext,
  server: ServerRow,
  requestedDefault: number,
  add: number[],
  remove: number[],
): number {
  let defaultId = requestedDefault;
  let freshlyAllocated: number | undefined;
  if (add.length > 0) {
    const assigned = ctx.allocations.assignFree(add, server.id, server.node_id);
    freshlyAllocated = [...assigned].sort((a, b) => a - b)[0];
  }
  if (remove.length > 0) {
    for (const id of remove) {
      if (id === defaultId) {
        if (freshlyAllocated === undefined) {
          throw displayError(
            'You are attempting to delete the default allocation for this server but there is no fallback allocation to use.',
          );
        }
        defaultId = freshlyAllocated;
      }
    }
    const releasable = remove.filter((id) => !add.includes(id));
    ctx.allocations.release(
      releasable.filter((id) => ctx.allocations.get(id)?.node_id === server.node_id),
      server.id,
    );
  }
  return defaultId;
}

/** PATCH /servers/{id}/build: limits, feature limits, default allocation (must belong to the server, else 400). */
export function updateBuild(ctx: SimContext, server: ServerRow, input: Record<string, unknown>): ServerRow {
  const issues = validate(input, buildRules(ctx, server.id), BUILD_ATTRIBUTES);
  if (issues.length > 0) throw validationError(issues);
  const features = asRecord(input.feature_limits);
  return ctx.db.transaction(() => {
    const add = asList(input.add_allocations).map(toInt);
    const remove = asList(input.remove_allocations).map(toInt);
    const allocationId = processAllocations(ctx, server, toInt(input.allocation), add, remove);
    if (allocationId !== server.allocation_id && ctx.allocations.get(allocationId)?.server_id !== server.id) {
      throw displayError('The requested default allocation is not currently assigned to this server.');
    }
    ctx.servers.update(server.id, {
      ...limitPatch(input),
      allocation_id: allocationId,
      database_limit: toIntOrNull(features.databases),
      allocation_limit: toIntOrNull(features.allocations),
      backup_limit: toIntOrNull(features.backups) ?? 0,
      updated_at: atomTimestamp(ctx.now()),
    });
    const updated = ctx.servers.get(server.id);
    if (!updated) throw new Error(`server ${server.id} vanished`);
    return updated;
  })();
}
