import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { atomTimestamp } from '../time';
import { insertNode } from './nodes-write';

interface SeedVariable {
  name: string;
  env: string;
  defaultValue: string;
  rules: string;
  description: string;
  /** Admin-only when false (the real eggs' install-time variables, e.g. Paper's DL_PATH); default true. */
  userEditable?: boolean;
}

const PAPER_VARIABLES: SeedVariable[] = [
  {
    name: 'Server Jar File',
    env: 'SERVER_JARFILE',
    defaultValue: 'server.jar',
    rules: 'required|string|max:64',
    description: 'The name of the server jarfile to run the server with.',
  },
  {
    name: 'RCON Password',
    env: 'RCON_PASSWORD',
    defaultValue: '',
    rules: 'nullable|string|max:64',
    description: 'The password of the remote console (a secret the order carries).',
  },
  {
    name: 'Download Path',
    env: 'DL_PATH',
    defaultValue: '',
    rules: 'nullable|string',
    description: 'A URL to download a server jar from instead of the official builds (admin only).',
    userEditable: false,
  },
];

const VANILLA_VARIABLES: SeedVariable[] = [
  {
    name: 'Server Jar File',
    env: 'SERVER_JARFILE',
    defaultValue: 'server.jar',
    rules: 'required|regex:/^([\\w\\d._-]+)(\\.jar)$/',
    description: 'The name of the jarfile to run.',
  },
  {
    name: 'Server Version',
    env: 'VANILLA_VERSION',
    defaultValue: 'latest',
    rules: 'required|string|between:3,15',
    description: 'The version of Minecraft Vanilla to install.',
  },
  {
    name: 'Max Players',
    env: 'MAX_PLAYERS',
    defaultValue: '20',
    rules: 'nullable|integer|min:1|max:500',
    description: 'Maximum number of players.',
  },
  {
    name: 'Difficulty',
    env: 'DIFFICULTY',
    defaultValue: 'normal',
    rules: 'required|in:peaceful,easy,normal,hard',
    description: 'World difficulty.',
  },
];

function insertEgg(
  db: Database.Database,
  nestId: number,
  name: string,
  image: string,
  startup: string,
  variables: SeedVariable[],
  ts: string,
): void {
  const egg = db
    .prepare(
      `INSERT INTO eggs (uuid, nest_id, author, name, description, docker_images, startup,
    config_stop, created_at, updated_at) VALUES (?, ?, 'support@pterodactyl.io', ?, ?, ?, ?, 'stop', ?, ?)`,
    )
    .run(randomUUID(), nestId, name, `${name} server`, JSON.stringify({ 'Java 17': image }), startup, ts, ts);
  const insertVariable = db.prepare(`INSERT INTO egg_variables (egg_id, name, description, env_variable,
    default_value, user_viewable, user_editable, rules, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const v of variables) {
    const editable = v.userEditable === false ? 0 : 1;
    insertVariable.run(
      egg.lastInsertRowid,
      v.name,
      v.description,
      v.env,
      v.defaultValue,
      editable,
      editable,
      v.rules,
      ts,
      ts,
    );
  }
}

/**
 * Seed catalogue: users 1-3, location 1 `eu` (two nodes with 120 allocations each) and location 2 `us`
 * (no nodes), nest 1 with egg 1 "Paper" and egg 2 "Vanilla".
 */
export function seedCatalog(db: Database.Database, nowMs: number): void {
  const ts = atomTimestamp(nowMs);
  db.transaction(() => {
    const user = db.prepare('INSERT INTO users (username, email) VALUES (?, ?)');
    for (const name of ['admin', 'alice', 'bob']) user.run(name, `${name}@example.com`);
    const location = db.prepare('INSERT INTO locations (short, long, created_at, updated_at) VALUES (?, ?, ?, ?)');
    location.run('eu', 'Europe', ts, ts);
    location.run('us', 'United States', ts, ts);
    insertNode(db, { name: 'node-1', location_id: 1, ip: '10.0.0.11' }, nowMs);
    insertNode(db, { name: 'node-2', location_id: 1, ip: '10.0.0.12' }, nowMs);
    db.prepare(
      `INSERT INTO nests (uuid, author, name, description, created_at, updated_at)
      VALUES (?, 'support@pterodactyl.io', 'Minecraft', 'Minecraft - the classic game from Mojang.', ?, ?)`,
    ).run(randomUUID(), ts, ts);
    insertEgg(
      db,
      1,
      'Paper',
      'ghcr.io/pterodactyl/yolks:java_17',
      'java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}',
      PAPER_VARIABLES,
      ts,
    );
    insertEgg(
      db,
      1,
      'Vanilla Minecraft',
      'ghcr.io/pterodactyl/yolks:java_17',
      'java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}',
      VANILLA_VARIABLES,
      ts,
    );
  })();
}
