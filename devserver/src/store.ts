import Database from 'better-sqlite3';
import { decodeMessage, encodeMessage } from './proto';
import type { HistoryEvent, RunState } from './state';

export interface NamespaceRecord {
  name: string;
  id: string;
  description: string;
  retentionMs: number;
  searchAttributes: Record<string, number>;
}

export interface StoredRun { state: RunState; events: HistoryEvent[] }
export interface RunWrite { state: RunState; newEvents: HistoryEvent[] }

/** Durable storage behind the in-memory engine state. */
export interface Store {
  loadNamespaces(): NamespaceRecord[];
  saveNamespace(ns: NamespaceRecord): void;
  loadRuns(): StoredRun[];
  saveRuns(writes: RunWrite[], deletes: string[]): void;
  close(): void;
}

export class MemoryStore implements Store {
  loadNamespaces(): NamespaceRecord[] {
    return [];
  }
  saveNamespace(): void {}
  loadRuns(): StoredRun[] {
    return [];
  }
  saveRuns(): void {}
  close(): void {}
}

const EVENT = 'temporal.api.history.v1.HistoryEvent';

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Uint8Array) return { $b: Buffer.from(raw).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$b' in value && typeof (value as { $b: unknown }).$b === 'string') {
    return Buffer.from((value as { $b: string }).$b, 'base64');
  }
  return value;
}

export const serializeState = (state: RunState): string => JSON.stringify(state, replacer);
export const parseState = (json: string): RunState => JSON.parse(json, reviver) as RunState;

/** SQLite (WAL) storage: every engine operation is one transaction, so a kill -9 loses nothing acknowledged. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(filename: string) {
    this.db = new Database(filename);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS namespaces (name TEXT PRIMARY KEY, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, state TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS events (run_id TEXT NOT NULL, event_id INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (run_id, event_id)) WITHOUT ROWID;`);
    this.stmts = {
      saveNs: this.db.prepare('INSERT OR REPLACE INTO namespaces (name, json) VALUES (?, ?)'),
      saveRun: this.db.prepare('INSERT OR REPLACE INTO runs (run_id, state) VALUES (?, ?)'),
      saveEvent: this.db.prepare('INSERT OR REPLACE INTO events (run_id, event_id, data) VALUES (?, ?, ?)'),
      deleteRun: this.db.prepare('DELETE FROM runs WHERE run_id = ?'),
      deleteEvents: this.db.prepare('DELETE FROM events WHERE run_id = ?'),
      events: this.db.prepare('SELECT data FROM events WHERE run_id = ? ORDER BY event_id'),
    };
  }

  loadNamespaces(): NamespaceRecord[] {
    const rows = this.db.prepare('SELECT json FROM namespaces').all() as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as NamespaceRecord);
  }

  saveNamespace(ns: NamespaceRecord): void {
    this.stmts.saveNs.run(ns.name, JSON.stringify(ns));
  }

  loadRuns(): StoredRun[] {
    const rows = this.db.prepare('SELECT run_id, state FROM runs').all() as { run_id: string; state: string }[];
    return rows.map((r) => ({
      state: parseState(r.state),
      events: (this.stmts.events.all(r.run_id) as { data: Buffer }[]).map((e) => decodeMessage<HistoryEvent>(EVENT, e.data)),
    }));
  }

  saveRuns = (writes: RunWrite[], deletes: string[]): void => {
    this.db.transaction(() => {
      for (const w of writes) {
        this.stmts.saveRun.run(w.state.runId, serializeState(w.state));
        for (const e of w.newEvents) this.stmts.saveEvent.run(w.state.runId, e.eventId, encodeMessage(EVENT, e));
      }
      for (const runId of deletes) {
        this.stmts.deleteRun.run(runId);
        this.stmts.deleteEvents.run(runId);
      }
    })();
  };

  close(): void {
    this.db.close();
  }
}
