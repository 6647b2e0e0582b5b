import type { SimContext } from '../context';
import { validationError } from '../http/errors';
import type { ServerRow } from '../store/rows';
import { atomTimestamp } from '../time';
import { isFilled } from '../../../src/provider/validation/rules';
import { detailsRules, startupRules } from '../validation/server-rules';
import { validate } from '../../../src/provider/validation/validator';
import { toBool, toInt } from './coerce';
import { validateEggEnvironment } from './environment';
import { startInstall } from './install';

function reload(ctx: SimContext, id: number): ServerRow {
  const row = ctx.servers.get(id);
  if (!row) throw new Error(`server ${id} vanished`);
  return row;
}

/** DetailsModificationService: an omitted external_id clears it, an omitted description becomes ''. */
export function updateDetails(ctx: SimContext, server: ServerRow, input: Record<string, unknown>): ServerRow {
  const issues = validate(input, detailsRules(ctx, server.id));
  if (issues.length > 0) throw validationError(issues);
  ctx.servers.update(server.id, {
    external_id: input.external_id === null || input.external_id === undefined ? null : String(input.external_id),
    owner_id: toInt(input.user),
    name: String(input.name),
    description: typeof input.description === 'string' ? input.description : '',
    updated_at: atomTimestamp(ctx.now()),
  });
  return reload(ctx, server.id);
}

/** StartupModificationService at admin level: environment (validated against the egg), egg, startup, image. */
export function updateStartup(ctx: SimContext, server: ServerRow, input: Record<string, unknown>): ServerRow {
  const issues = validate(input, startupRules(ctx));
  if (issues.length > 0) throw validationError(issues);
  const eggId = toInt(input.egg);
  return ctx.db.transaction(() => {
    const environment = JSON.parse(server.environment) as Record<string, string>;
    if (isFilled(input.environment)) Object.assign(environment, validateEggEnvironment(ctx, eggId, input.environment));
    const egg = ctx.catalog.getEgg(eggId);
    ctx.servers.update(server.id, {
      egg_id: egg?.id ?? server.egg_id,
      nest_id: egg?.nest_id ?? server.nest_id,
      startup: typeof input.startup === 'string' ? input.startup : server.startup,
      image: typeof input.image === 'string' ? input.image : server.image,
      skip_scripts: toBool(input.skip_scripts) ? 1 : 0,
      environment: JSON.stringify(environment),
      updated_at: atomTimestamp(ctx.now()),
    });
    return reload(ctx, server.id);
  })();
}

/** SuspensionService: a no-op when already in the requested state. */
export function setSuspended(ctx: SimContext, server: ServerRow, suspend: boolean): void {
  if (suspend === (server.status === 'suspended')) return;
  ctx.servers.update(server.id, { status: suspend ? 'suspended' : null, updated_at: atomTimestamp(ctx.now()) });
}

/** ReinstallServerService: status `installing` until the simulated daemon reports the outcome. */
export function reinstall(ctx: SimContext, server: ServerRow): void {
  ctx.servers.update(server.id, {
    ...startInstall(ctx, 'reinstall', server.skip_scripts === 1),
    updated_at: atomTimestamp(ctx.now()),
  });
}

/** ServerDeletionService: the row goes, its allocations become free again. */
export function deleteServer(ctx: SimContext, server: ServerRow): void {
  ctx.db.transaction(() => {
    ctx.allocations.releaseAllOf(server.id);
    ctx.servers.delete(server.id);
  })();
}
