export interface ConfigIssue {
  variable: string;
  reason: string;
}

/** Invalid configuration: names each variable and why, never its value. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.reason}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
