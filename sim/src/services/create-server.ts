import { randomUUID } from 'node:crypto';
import type { SimContext } from '../context';
import { validationError } from '../http/errors';
import type { AllocationRow, ServerRow } from '../store/rows';
import { atomTimestamp } from '../time';
import { isFilled } from '../validation/rules';
import { storeServerRules } from '../validation/server-rules';
import { validate } from '../validation/validator';
import { asList, asRecord, toBool, toInt, toIntOrNull, truthy } from './coerce';
import { selectDeployAllocation } from './deployment';
import { validateEggEnvironment } from './environment';
import { startInstall } from './install';

function placement(
  ctx: SimContext,
  input: Record<string, unknown>,
  memory: number,
  disk: number,
): {
  allocation: AllocationRow;
  additional: number[];
} {
  if (isFilled(input.deploy)) {
    const deploy = asRecord(input.deploy);
    const allocation = selectDeployAllocation(
      ctx,
      {
        locations: asList(deploy.locations).map(Number),
        dedicated: truthy(deploy.dedicated_ip),
        portRange: asList(deploy.port_range),
      },
      memory,
      disk,
    );
    return { allocation, additional: [] };
  }
  const requested = asRecord(input.allocation);
  const allocation = ctx.allocations.get(toInt(requested.default));
  if (!allocation) throw new Error('validated allocation disappeared');
  return { allocation, additional: asList(requested.additional).map(toInt) };
}

/**
 * ServerCreationService: request validation (422), placement (explicit allocation or deploy: 400 when
 * nothing fits), egg variable validation (422), then the row and its allocations in one transaction.
 */
export function createServer(ctx: SimContext, input: Record<string, unknown>): ServerRow {
  const issues = validate(input, storeServerRules(ctx, input));
  if (issues.length > 0) throw validationError(issues);
  const limits = asRecord(input.limits);
  const features = asRecord(input.feature_limits);
  const memory = toInt(limits.memory);
  const disk = toInt(limits.disk);
  const { allocation, additional } = placement(ctx, input, memory, disk);
  const egg = ctx.catalog.getEgg(toInt(input.egg));
  if (!egg) throw new Error('validated egg disappeared');
  const environment = validateEggEnvironment(ctx, egg.id, input.environment);
  const skipScripts = toBool(input.skip_scripts);
  const timestamp = atomTimestamp(ctx.now());
  return ctx.db.transaction(() => {
    const id = ctx.servers.insert({
      external_id: input.external_id === null || input.external_id === undefined ? null : String(input.external_id),
      uuid: randomUUID(),
      node_id: allocation.node_id,
      name: String(input.name),
      description: typeof input.description === 'string' ? input.description : '',
      skip_scripts: skipScripts ? 1 : 0,
      owner_id: toInt(input.user),
      memory,
      swap: toInt(limits.swap),
      disk,
      io: toInt(limits.io),
      cpu: toInt(limits.cpu),
      threads: limits.threads === null || limits.threads === undefined ? null : String(limits.threads),
      oom_disabled:
        input.oom_disabled === undefined || input.oom_disabled === null || toBool(input.oom_disabled) ? 1 : 0,
      allocation_id: allocation.id,
      nest_id: egg.nest_id,
      egg_id: egg.id,
      startup: String(input.startup),
      image: String(input.docker_image),
      database_limit: toIntOrNull(features.databases) ?? 0,
      allocation_limit: toIntOrNull(features.allocations) ?? 0,
      backup_limit: toIntOrNull(features.backups) ?? 0,
      environment: JSON.stringify(environment),
      ...startInstall(ctx, 'install', skipScripts),
      installed_at: null,
      created_at: timestamp,
      updated_at: timestamp,
    });
    ctx.allocations.assignFree([allocation.id, ...additional], id, null);
    const created = ctx.servers.get(id);
    if (!created) throw new Error('created server not found');
    return created;
  })();
}
