import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATA_TABLES, SCHEMA_SQL, SCHEMA_VERSION } from './schema';
import { seedCatalog } from './seed';

export const DATABASE_FILE = 'sim-panel.db';

/** Opens `<dataDir>/sim-panel.db` (in memory when no dataDir), creating the schema and seed on first use. */
export function openDatabase(dataDir: string | undefined, nowMs: number): Database.Database {
  let db: Database.Database;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } else {
    db = new Database(':memory:');
  }
  db.exec(SCHEMA_SQL);
  const seeded = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get();
  if (!seeded) {
    db.transaction(() => {
      seedCatalog(db, nowMs);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(SCHEMA_VERSION);
    })();
  }
  return db;
}

/** Deletes every server, node and catalogue row, restarts ids at 1 and writes the seed again. */
export function resetDatabase(db: Database.Database, nowMs: number): void {
  db.transaction(() => {
    for (const table of DATA_TABLES) db.prepare(`DELETE FROM ${table}`).run();
    db.prepare('DELETE FROM sqlite_sequence').run();
    seedCatalog(db, nowMs);
  })();
}
