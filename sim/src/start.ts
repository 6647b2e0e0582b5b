import type { AddressInfo } from 'node:net';
import type { SimPanel, SimPanelHooks } from './panel';
import { createSimPanel } from './panel';
import type { SimPanelOptions } from './options';

/** A listening simulated panel; `url` is the origin (the API lives under `${url}/api/application`). */
export interface RunningSimPanel {
  url: string;
  port: number;
  panel: SimPanel;
  close(): Promise<void>;
}

/** Starts the simulated panel on `host` (default 127.0.0.1) and `port` (default 0: ephemeral). */
export async function startSimPanel(
  options: SimPanelOptions & { port?: number; host?: string },
  hooks: SimPanelHooks = {},
): Promise<RunningSimPanel> {
  const { port = 0, host = '127.0.0.1', ...panelOptions } = options;
  const panel = createSimPanel(panelOptions, hooks);
  const server = panel.app.listen(port, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    panel.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    panel,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        panel.close();
      });
      return closing;
    },
  };
}
