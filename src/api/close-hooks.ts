import type { Express } from 'express';

type CloseHook = () => Promise<void>;

const HOOKS = 'closeHooks';

/**
 * Registers work the app must finish before its Temporal client may close: background reads still in flight. A
 * call the client is retrying when its connection closes throws from the retry timer, outside any promise.
 */
export function onAppClose(app: Express, hook: CloseHook): void {
  const hooks = (app.locals[HOOKS] as CloseHook[] | undefined) ?? [];
  hooks.push(hook);
  app.locals[HOOKS] = hooks;
}

/** Runs the app's close hooks; resolves when all have settled. */
export async function closeApp(app: Express): Promise<void> {
  const hooks = (app.locals[HOOKS] as CloseHook[] | undefined) ?? [];
  await Promise.allSettled(hooks.map((hook) => hook()));
}
