import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The file under DATA_DIR that holds the development API key generated when no key is configured. */
export const DEV_API_KEY_FILE = 'dev-api-key';

const DEV_KEY = /^dev-[A-Za-z0-9_-]{32,}$/;

function previousKey(file: string): string | undefined {
  try {
    if (!lstatSync(file).isFile()) return undefined;
    const key = readFileSync(file, 'utf8').trim();
    return DEV_KEY.test(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The development API key of `npm start` without API_KEY/API_KEYS, kept in `<dataDir>/dev-api-key` so that it never
 * reaches stdout or the logs: the key already in that file when it is a valid development key (stable across
 * restarts), else `generated`. Either way the file is written afresh with mode 0600 (a new file renamed over it).
 */
export function persistDevApiKey(dataDir: string, generated: string): { key: string; file: string } {
  const file = path.join(dataDir, DEV_API_KEY_FILE);
  const key = previousKey(file) ?? generated;
  mkdirSync(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  try {
    writeFileSync(temp, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  return { key, file };
}

/** How the startup lines name the key file: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
