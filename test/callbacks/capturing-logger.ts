import pino, { type Logger } from 'pino';

export interface CapturingLogger {
  pino: Logger;
  /** Every line logged so far, parsed, with the level as its label. */
  lines(): Array<Record<string, unknown>>;
}

/** A pino logger that keeps its lines in memory, for tests of what the worker's log says. */
export function capturingLogger(): CapturingLogger {
  const written: string[] = [];
  const logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void written.push(line) },
  );
  return { pino: logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
