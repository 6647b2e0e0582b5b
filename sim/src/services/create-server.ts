import type { SimContext } from '../context';
import { validationError } from '../http/errors';
import type { AllocationRow } from '../store/rows';
import { isFilled } from '../../../src/provider/validation/rules';
import { storeServerRules } from '../validation/server-rules';
import { validate } from '../../../src/provider/validation/validator';
import { asList, asRecord, toBool, toInt, toIntOrNull, truthy } from './coerce';
import { selectDeployAllocation } from './deployment';
import { validateEggEnvironment } from './environment';
import type { PreparedServer } from './save-server';

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
 * ServerCreationService up to the save: request validation (422), placement (explicit allocation or deploy: 400 when
 * nothing fits) and egg variable validation (422). The row is written later by saveServer, as the real panel writes
 * it after this work: two requests for the same external_id or allocation can both get this far (see save-server.ts).
 */
export function prepareServer(ctx: SimContext, input: Record<string, unknown>): PreparedServer {
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
  return {
    allocationIds: [allocation.id, ...additional],
    skipScripts: toBool(input.skip_scripts),
    row: {
      external_id: input.external_id === null || input.external_id === undefined ? null : String(input.external_id),
      node_id: allocation.node_id,
      name: String(input.name),
      description: typeof input.description === 'string' ? input.description : '',
      skip_scripts: toBool(input.skip_scripts) ? 1 : 0,
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
    },
  };
}
