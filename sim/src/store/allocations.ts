import type Database from 'better-sqlite3';
import type { Condition, Page, PageRequest } from './paging';
import { selectAll, selectPage } from './paging';
import type { AllocationRow } from './rows';

export type PortSpec = number | [number, number];

export interface FreeAllocationQuery {
  nodeIds: number[];
  ports: PortSpec[];
  dedicated: boolean;
}

/** Allocations (ip:port pairs of a node) and their assignment to servers. */
export class AllocationStore {
  constructor(private readonly db: Database.Database) {}

  listForNode(nodeId: number, filters: Condition[], page: PageRequest): Page<AllocationRow> {
    return selectPage(
      this.db,
      'SELECT * FROM allocations',
      [{ sql: 'node_id = ?', params: [nodeId] }, ...filters],
      'id',
      page,
    );
  }

  all(): AllocationRow[] {
    return selectAll(this.db, 'SELECT * FROM allocations', [], 'id');
  }

  get(id: number): AllocationRow | undefined {
    return this.db.prepare('SELECT * FROM allocations WHERE id = ?').get(id) as AllocationRow | undefined;
  }

  forServer(serverId: number): AllocationRow[] {
    return selectAll(this.db, 'SELECT * FROM allocations', [{ sql: 'server_id = ?', params: [serverId] }], 'id');
  }

  forServers(serverIds: number[]): AllocationRow[] {
    if (serverIds.length === 0) return [];
    return selectAll(
      this.db,
      'SELECT * FROM allocations',
      [{ sql: `server_id IN (${serverIds.map(() => '?').join(', ')})`, params: serverIds }],
      'id',
    );
  }

  /** Unassigned allocations on the given nodes matching any port or range; `dedicated` skips IPs already in use. */
  findFree(query: FreeAllocationQuery): AllocationRow[] {
    const conditions: Condition[] = [{ sql: 'server_id IS NULL', params: [] }];
    if (query.nodeIds.length > 0) {
      conditions.push({ sql: `node_id IN (${query.nodeIds.map(() => '?').join(', ')})`, params: query.nodeIds });
    }
    if (query.ports.length > 0) {
      conditions.push({
        sql: query.ports.map((p) => (Array.isArray(p) ? 'port BETWEEN ? AND ?' : 'port = ?')).join(' OR '),
        params: query.ports.flatMap((p) => (Array.isArray(p) ? p : [p])),
      });
    }
    if (query.dedicated) {
      conditions.push({
        sql: `NOT EXISTS (SELECT 1 FROM allocations used WHERE used.node_id = allocations.node_id
          AND used.ip = allocations.ip AND used.server_id IS NOT NULL)`,
        params: [],
      });
    }
    return selectAll(this.db, 'SELECT * FROM allocations', conditions, 'id');
  }

  /** Assigns the allocations that are still free and on `nodeId` (any node when null); returns the ids assigned. */
  assignFree(ids: number[], serverId: number, nodeId: number | null): number[] {
    const assigned: number[] = [];
    const update = this.db.prepare(`UPDATE allocations SET server_id = ?, notes = NULL
      WHERE id = ? AND server_id IS NULL AND (? IS NULL OR node_id = ?)`);
    for (const id of ids) {
      if (update.run(serverId, id, nodeId, nodeId).changes > 0) assigned.push(id);
    }
    return assigned;
  }

  release(ids: number[], serverId: number): void {
    const update = this.db.prepare(
      'UPDATE allocations SET server_id = NULL, notes = NULL WHERE id = ? AND server_id = ?',
    );
    for (const id of ids) update.run(id, serverId);
  }

  releaseAllOf(serverId: number): void {
    this.db.prepare('UPDATE allocations SET server_id = NULL, notes = NULL WHERE server_id = ?').run(serverId);
  }
}
