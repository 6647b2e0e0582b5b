import type Database from 'better-sqlite3';

/** The SQL function the server store compares external_ids with: `panel_ci(external_id) = panel_ci(?)`. */
export const PANEL_CI = 'panel_ci';

/**
 * The key under which the real panel's MySQL compares two strings in a `utf8mb4_unicode_ci` column (Pterodactyl's
 * default collation), approximately: trailing spaces do not count (PAD SPACE), nor case, nor accents. Two external_ids
 * with the same key are the same to the panel: its unique index refuses the second and `GET
 * /servers/external/{id}` finds either under both.
 */
export function panelCollationKey(value: string): string {
  return value
    .replace(/ +$/u, '')
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();
}

/** Registers `panel_ci` on the connection (deterministic; NULL stays NULL). */
export function registerPanelCollation(db: Database.Database): void {
  db.function(PANEL_CI, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? panelCollationKey(value) : value,
  );
}
