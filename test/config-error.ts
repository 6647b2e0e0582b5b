import { ConfigError, loadConfig } from '../src/config';

/** The ConfigError loadConfig throws for `env`; fails the test when it loads. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** The variables loadConfig reports for `env` (none when it loads). */
export function configIssueVariables(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.variable);
    throw err;
  }
}
