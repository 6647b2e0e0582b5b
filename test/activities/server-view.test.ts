import { describeServer } from '../../src/activities/server-view';
import { callCount, directServer, placeOwnServer, usePanel, type PanelHarness } from './panel-harness';

describe("the order's view of a panel server", () => {
  let panel: PanelHarness;
  usePanel((started) => (panel = started));
  const listings = async () => callCount(await panel.state(), 'GET /nodes/{id}/allocations');

  it("takes the address from the order's slot when it is the server's allocation, asking the panel nothing", async () => {
    const ref = await placeOwnServer(panel, 'view-1');
    const server = await panel.client().getServer(ref.serverId);
    const slot = { nodeId: server.node, allocationId: server.allocation, ip: 'play.example.com', port: 25599 };
    expect(await describeServer(panel.client(), server, slot)).toEqual({
      id: server.id,
      uuid: server.uuid,
      identifier: server.identifier,
      node: server.node,
      allocation: { id: server.allocation, ip: 'play.example.com', port: 25599 },
    });
    expect(await listings()).toBe(0);
  });

  it("reads the server's own allocation when there is no slot, or the slot is another allocation", async () => {
    const ref = await placeOwnServer(panel, 'view-2');
    const server = await panel.client().getServer(ref.serverId);
    const own = (await panel.state()).allocations.find((a) => a.id === server.allocation)!;
    const expected = {
      id: server.id,
      uuid: server.uuid,
      identifier: server.identifier,
      node: server.node,
      allocation: { id: server.allocation, ip: own.ip, port: own.port },
    };
    expect(await describeServer(panel.client(), server)).toEqual(expected);
    const elsewhere = { nodeId: server.node, allocationId: server.allocation + 1, ip: '10.9.9.9', port: 1 };
    expect(await describeServer(panel.client(), server, elsewhere)).toEqual(expected);
    expect(await listings()).toBe(2);
  });

  it("gives the allocation's alias as the address when it has one", async () => {
    const node = await panel.addNode({
      ip: '10.0.7.1',
      ip_alias: 'node7.example.com',
      ports: { start: 27000, end: 27001 },
    });
    const free = (await panel.state()).allocations.find((a) => a.node === node)!;
    const server = await panel.client().createServer(directServer('aliased', free.id));
    expect((await describeServer(panel.client(), server)).allocation).toEqual({
      id: free.id,
      ip: 'node7.example.com',
      port: 27000,
    });
  });

  it('leaves the address empty when the panel no longer lists the allocation', async () => {
    const ref = await placeOwnServer(panel, 'view-3');
    const server = await panel.client().getServer(ref.serverId);
    const client = { ...panel.client(), listAllAllocations: async () => [] };
    expect((await describeServer(client, server)).allocation).toEqual({ id: server.allocation, ip: '', port: 0 });
  });

  it('picks the primary among the allocations the server holds', async () => {
    const ref = await placeOwnServer(panel, 'view-4');
    const server = await panel.client().getServer(ref.serverId);
    const [primary] = await panel.client().listAllAllocations(server.node, { filter: { server_id: server.id } });
    const additional = { ...primary, id: primary.id + 500, port: primary.port + 500 };
    const client = { ...panel.client(), listAllAllocations: async () => [additional, primary] };
    expect((await describeServer(client, server)).allocation).toEqual({
      id: server.allocation,
      ip: primary.alias || primary.ip,
      port: primary.port,
    });
  });
});
