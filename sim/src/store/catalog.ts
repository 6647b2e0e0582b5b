import type Database from 'better-sqlite3';
import type { Condition, Page, PageRequest } from './paging';
import { selectAll, selectPage } from './paging';
import type { EggRow, EggVariableRow, LocationRow, NestRow, NodeWithUsageRow } from './rows';

const NODE_SELECT = `SELECT nodes.*,
  IFNULL((SELECT SUM(memory) FROM servers WHERE servers.node_id = nodes.id), 0) AS sum_memory,
  IFNULL((SELECT SUM(disk) FROM servers WHERE servers.node_id = nodes.id), 0) AS sum_disk FROM nodes`;

export interface ViableNodeQuery {
  memory: number;
  disk: number;
  locationIds: number[];
}

/** Read access to locations, nodes, nests, eggs and users. */
export class CatalogStore {
  constructor(private readonly db: Database.Database) {}

  listLocations(page: PageRequest): Page<LocationRow> {
    return selectPage(this.db, 'SELECT * FROM locations', [], 'id', page);
  }

  getLocation(id: number): LocationRow | undefined {
    return this.db.prepare('SELECT * FROM locations WHERE id = ?').get(id) as LocationRow | undefined;
  }

  listNodes(page: PageRequest): Page<NodeWithUsageRow> {
    return selectPage(this.db, NODE_SELECT, [], 'id', page);
  }

  allNodes(): NodeWithUsageRow[] {
    return selectAll(this.db, NODE_SELECT, [], 'id');
  }

  getNode(id: number): NodeWithUsageRow | undefined {
    return this.db.prepare(`${NODE_SELECT} WHERE nodes.id = ?`).get(id) as NodeWithUsageRow | undefined;
  }

  /** Public nodes (of the given locations, if any) whose memory and disk can take the request, overallocation included. */
  viableNodes(query: ViableNodeQuery): NodeWithUsageRow[] {
    const conditions: Condition[] = [
      { sql: 'public = 1', params: [] },
      { sql: 'sum_memory + ? <= memory * (1 + memory_overallocate / 100.0)', params: [query.memory] },
      { sql: 'sum_disk + ? <= disk * (1 + disk_overallocate / 100.0)', params: [query.disk] },
    ];
    if (query.locationIds.length > 0) {
      conditions.push({
        sql: `location_id IN (${query.locationIds.map(() => '?').join(', ')})`,
        params: query.locationIds,
      });
    }
    return selectAll(this.db, `SELECT * FROM (${NODE_SELECT})`, conditions, 'id');
  }

  listNests(page: PageRequest): Page<NestRow> {
    return selectPage(this.db, 'SELECT * FROM nests', [], 'id', page);
  }

  getNest(id: number): NestRow | undefined {
    return this.db.prepare('SELECT * FROM nests WHERE id = ?').get(id) as NestRow | undefined;
  }

  eggsOfNest(nestId: number): EggRow[] {
    return this.db.prepare('SELECT * FROM eggs WHERE nest_id = ? ORDER BY id').all(nestId) as EggRow[];
  }

  getEgg(id: number): EggRow | undefined {
    return this.db.prepare('SELECT * FROM eggs WHERE id = ?').get(id) as EggRow | undefined;
  }

  variablesOfEgg(eggId: number): EggVariableRow[] {
    return this.db.prepare('SELECT * FROM egg_variables WHERE egg_id = ? ORDER BY id').all(eggId) as EggVariableRow[];
  }

  userExists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(id) !== undefined;
  }

  addUser(username: string, email: string): number {
    return Number(
      this.db.prepare('INSERT INTO users (username, email) VALUES (?, ?)').run(username, email).lastInsertRowid,
    );
  }
}
