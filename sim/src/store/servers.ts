import type Database from 'better-sqlite3';
import { atomTimestamp } from '../time';
import { PANEL_CI, panelCollationKey, registerPanelCollation } from './collation';
import type { Condition, Page, PageRequest } from './paging';
import { selectAll, selectPage } from './paging';
import type { ServerRow } from './rows';

export type NewServerRow = Omit<ServerRow, 'id'>;
export type ServerPatch = Partial<Omit<ServerRow, 'id' | 'uuid' | 'created_at'>>;

const COLUMNS: ReadonlyArray<keyof NewServerRow> = [
  'external_id',
  'uuid',
  'node_id',
  'name',
  'description',
  'status',
  'skip_scripts',
  'owner_id',
  'memory',
  'swap',
  'disk',
  'io',
  'cpu',
  'threads',
  'oom_disabled',
  'allocation_id',
  'nest_id',
  'egg_id',
  'startup',
  'image',
  'database_limit',
  'allocation_limit',
  'backup_limit',
  'environment',
  'install_deadline',
  'install_outcome',
  'install_kind',
  'installed_at',
  'created_at',
  'updated_at',
];

interface DueInstall extends Pick<ServerRow, 'id' | 'status' | 'install_outcome' | 'install_kind'> {
  install_deadline: number;
}

/**
 * Server rows. Install outcomes are applied lazily by `settleInstalls`. External ids compare as the real panel's
 * MySQL compares them (utf8mb4_unicode_ci: case-, accent- and trailing-space-insensitive, see collation.ts).
 */
export class ServerStore {
  constructor(private readonly db: Database.Database) {
    registerPanelCollation(db);
  }

  insert(row: NewServerRow): number {
    const sql = `INSERT INTO servers (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;
    return Number(this.db.prepare(sql).run(row).lastInsertRowid);
  }

  get(id: number): ServerRow | undefined {
    return this.db.prepare('SELECT * FROM servers WHERE id = ?').get(id) as ServerRow | undefined;
  }

  /** The server whose external_id collates equal to `externalId` (at most one: see externalIdTaken). */
  getByExternalId(externalId: string): ServerRow | undefined {
    return this.db
      .prepare(`SELECT * FROM servers WHERE ${PANEL_CI}(external_id) = ? ORDER BY id LIMIT 1`)
      .get(panelCollationKey(externalId)) as ServerRow | undefined;
  }

  /** True when another server's external_id collates equal to `externalId` (the panel's unique index refuses it). */
  externalIdTaken(externalId: string, exceptServerId?: number): boolean {
    const row = this.getByExternalId(externalId);
    return row !== undefined && row.id !== exceptServerId;
  }

  defaultAllocationTaken(allocationId: number, exceptServerId?: number): boolean {
    const row = this.db.prepare('SELECT id FROM servers WHERE allocation_id = ?').get(allocationId) as
      { id: number } | undefined;
    return row !== undefined && row.id !== exceptServerId;
  }

  list(filters: Condition[], orderBy: string, page: PageRequest): Page<ServerRow> {
    return selectPage(this.db, 'SELECT * FROM servers', filters, orderBy, page);
  }

  all(): ServerRow[] {
    return selectAll(this.db, 'SELECT * FROM servers', [], 'id');
  }

  update(id: number, patch: ServerPatch): void {
    const keys = Object.keys(patch).filter((k) => (COLUMNS as readonly string[]).includes(k));
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE servers SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...patch, id });
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM servers WHERE id = ?').run(id);
  }

  /** Applies every install whose deadline has passed, as the daemon's install report would. */
  settleInstalls(nowMs: number): number {
    const due = this.db
      .prepare(
        `SELECT id, status, install_outcome, install_kind, install_deadline FROM servers
      WHERE install_deadline IS NOT NULL AND install_deadline <= ?`,
      )
      .all(nowMs) as DueInstall[];
    if (due.length === 0) return 0;
    this.db.transaction(() => {
      for (const row of due) {
        const failed = row.install_kind === 'reinstall' ? 'reinstall_failed' : 'install_failed';
        const outcome = row.install_outcome === 'ok' ? null : failed;
        const at = atomTimestamp(row.install_deadline);
        this.update(row.id, {
          status: row.status === 'suspended' ? 'suspended' : outcome,
          installed_at: at,
          updated_at: at,
          install_deadline: null,
          install_outcome: null,
          install_kind: null,
        });
      }
    })();
    return due.length;
  }
}
