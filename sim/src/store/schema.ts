export const SCHEMA_VERSION = '1';

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE, email TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS locations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, short TEXT NOT NULL UNIQUE, long TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
  id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, public INTEGER NOT NULL, name TEXT NOT NULL,
  description TEXT, location_id INTEGER NOT NULL, fqdn TEXT NOT NULL, scheme TEXT NOT NULL,
  behind_proxy INTEGER NOT NULL, maintenance_mode INTEGER NOT NULL, memory INTEGER NOT NULL,
  memory_overallocate INTEGER NOT NULL, disk INTEGER NOT NULL, disk_overallocate INTEGER NOT NULL,
  upload_size INTEGER NOT NULL, daemon_listen INTEGER NOT NULL, daemon_sftp INTEGER NOT NULL, daemon_base TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS allocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, node_id INTEGER NOT NULL, ip TEXT NOT NULL, ip_alias TEXT,
  port INTEGER NOT NULL, server_id INTEGER, notes TEXT, UNIQUE (node_id, ip, port));
CREATE INDEX IF NOT EXISTS allocations_server ON allocations (server_id);
CREATE INDEX IF NOT EXISTS allocations_node_port ON allocations (node_id, port);
CREATE TABLE IF NOT EXISTS nests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, author TEXT NOT NULL, name TEXT NOT NULL,
  description TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS eggs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, nest_id INTEGER NOT NULL, author TEXT NOT NULL,
  name TEXT NOT NULL, description TEXT, docker_images TEXT NOT NULL, startup TEXT NOT NULL, config_stop TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS egg_variables (
  id INTEGER PRIMARY KEY AUTOINCREMENT, egg_id INTEGER NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
  env_variable TEXT NOT NULL, default_value TEXT NOT NULL, user_viewable INTEGER NOT NULL,
  user_editable INTEGER NOT NULL, rules TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS servers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, external_id TEXT UNIQUE, uuid TEXT NOT NULL UNIQUE, node_id INTEGER NOT NULL,
  name TEXT NOT NULL, description TEXT NOT NULL, status TEXT, skip_scripts INTEGER NOT NULL, owner_id INTEGER NOT NULL,
  memory INTEGER NOT NULL, swap INTEGER NOT NULL, disk INTEGER NOT NULL, io INTEGER NOT NULL, cpu INTEGER NOT NULL,
  threads TEXT, oom_disabled INTEGER NOT NULL, allocation_id INTEGER NOT NULL UNIQUE, nest_id INTEGER NOT NULL,
  egg_id INTEGER NOT NULL, startup TEXT NOT NULL, image TEXT NOT NULL, database_limit INTEGER,
  allocation_limit INTEGER, backup_limit INTEGER, environment TEXT NOT NULL,
  install_deadline INTEGER, install_outcome TEXT, install_kind TEXT, installed_at TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS servers_install_deadline ON servers (install_deadline);
`;

export const DATA_TABLES = ['servers', 'allocations', 'egg_variables', 'eggs', 'nests', 'nodes', 'locations', 'users'];
