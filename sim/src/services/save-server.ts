import { randomUUID } from 'node:crypto';
import type { SimContext } from '../context';
import { PanelError } from '../http/errors';
import type { NewServerRow } from '../store/servers';
import type { ServerRow } from '../store/rows';
import { atomTimestamp } from '../time';
import { startInstall } from './install';

type SavedFields = 'uuid' | 'status' | 'install_deadline' | 'install_outcome' | 'install_kind' | 'installed_at';

/** A validated and placed creation request (prepareServer), not yet written. */
export interface PreparedServer {
  row: Omit<NewServerRow, SavedFields | 'created_at' | 'updated_at'>;
  allocationIds: number[];
  skipScripts: boolean;
}

const MODEL_CLASS = 'Pterodactyl\\Models\\Server';
const UNEXPECTED = 'An unexpected error was encountered while processing this request, please try again.';

/**
 * The Server model's own validation on save (`unique:servers` on external_id and allocation_id): what a request that
 * passed the request validation before a concurrent one saved meets. EloquentRepository::create throws
 * DataValidationException, a 500 whose detail is its message.
 */
function modelValidation(ctx: SimContext, prepared: PreparedServer): PanelError | null {
  const errors: Record<string, string[]> = {};
  const { external_id: externalId, allocation_id: allocationId } = prepared.row;
  if (externalId !== null && ctx.servers.externalIdTaken(externalId))
    errors.external_id = ['The external id has already been taken.'];
  if (ctx.servers.defaultAllocationTaken(allocationId))
    errors.allocation_id = ['The allocation id has already been taken.'];
  if (Object.keys(errors).length === 0) return null;
  const detail = `Could not save ${MODEL_CLASS}[]: failed to validate data: ${JSON.stringify(errors)}`;
  return new PanelError(500, 'DataValidationException', detail);
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * Writes a prepared server and its allocations in one transaction. The real panel validates the request, then works
 * (placement, egg variables) and only then saves: a concurrent request for the same external_id or allocation that
 * saved in between makes this one fail with a 500 (DataValidationException from the model, or QueryException from
 * the unique index), never with the 422 a sequential duplicate gets.
 */
export function saveServer(ctx: SimContext, prepared: PreparedServer): ServerRow {
  const refused = modelValidation(ctx, prepared);
  if (refused) throw refused;
  const timestamp = atomTimestamp(ctx.now());
  try {
    return ctx.db.transaction(() => {
      const id = ctx.servers.insert({
        ...prepared.row,
        uuid: randomUUID(),
        ...startInstall(ctx, 'install', prepared.skipScripts),
        installed_at: null,
        created_at: timestamp,
        updated_at: timestamp,
      });
      ctx.allocations.assignFree(prepared.allocationIds, id, null);
      const created = ctx.servers.get(id);
      if (!created) throw new Error('created server not found');
      return created;
    })();
  } catch (err) {
    if (isUniqueViolation(err)) throw new PanelError(500, 'QueryException', UNEXPECTED);
    throw err;
  }
}
