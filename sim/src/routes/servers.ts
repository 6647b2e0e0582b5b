import type { Request, Response } from 'express';
import { Router } from 'express';
import type { SimContext } from '../context';
import type { Attributes } from '../http/listing';
import { filters, includes, item, pagedList, pageRequest, plainList, sortClause } from '../http/listing';
import type { PendingRegistry } from '../http/pending';
import {
  allocationAttributes,
  eggAttributes,
  locationAttributes,
  nestAttributes,
  nodeAttributes,
  serverAttributes,
} from '../http/transformers';
import { updateBuild } from '../services/build';
import { prepareServer } from '../services/create-server';
import type { PreparedServer } from '../services/save-server';
import { saveServer } from '../services/save-server';
import { deleteServer, reinstall, setSuspended, updateDetails, updateStartup } from '../services/update-server';
import { partialMatch } from '../store/paging';
import type { ServerRow } from '../store/rows';
import { found, idParam, input } from './params';

const SERVER_FILTERS: Record<string, string> = {
  uuid: 'uuid',
  uuidShort: 'substr(uuid, 1, 8)',
  name: 'name',
  description: 'description',
  image: 'image',
  external_id: 'external_id',
};

function relationships(ctx: SimContext, row: ServerRow, wanted: Set<string>): Attributes | undefined {
  const related: Attributes = {};
  const node = ctx.catalog.getNode(row.node_id);
  if (wanted.has('allocations'))
    related.allocations = plainList(ctx.allocations.forServer(row.id), 'allocation', allocationAttributes);
  if (wanted.has('node') && node) related.node = item('node', nodeAttributes(node));
  if (wanted.has('location') && node) {
    const location = ctx.catalog.getLocation(node.location_id);
    if (location) related.location = item('location', locationAttributes(location));
  }
  const egg = ctx.catalog.getEgg(row.egg_id);
  if (wanted.has('egg') && egg) related.egg = item('egg', eggAttributes(egg));
  const nest = ctx.catalog.getNest(row.nest_id);
  if (wanted.has('nest') && nest) related.nest = item('nest', nestAttributes(nest));
  return Object.keys(related).length > 0 ? related : undefined;
}

/** Servers: listing, look-ups, creation, modification, power-less lifecycle actions and deletion. */
export function serverRoutes(ctx: SimContext, pending: PendingRegistry): Router {
  const router = Router();

  const present = (req: Request, row: ServerRow): object => {
    const attributes = serverAttributes(ctx, row);
    const related = relationships(ctx, row, includes(req));
    return related ? { ...attributes, relationships: related } : attributes;
  };
  const sendServer = (req: Request, res: Response, row: ServerRow, status = 200) => {
    res.status(status).json(item('server', present(req, row)));
  };
  const loadServer = (req: Request): ServerRow => found(ctx.servers.get(idParam(req, 'server')));

  router.get('/servers', (req, res) => {
    const requested = filters(req, Object.keys(SERVER_FILTERS));
    const conditions = [...requested].map(([name, values]) => partialMatch(SERVER_FILTERS[name], values));
    const page = ctx.servers.list(conditions, sortClause(req, ['id', 'uuid'], 'id ASC'), pageRequest(req));
    res.json(pagedList(req, page, 'server', (row) => present(req, row)));
  });

  router.get('/servers/external/:externalId', (req, res) => {
    sendServer(req, res, found(ctx.servers.getByExternalId(req.params.externalId)));
  });

  router.get('/servers/:server', (req, res) => sendServer(req, res, loadServer(req)));

  const save = (req: Request, res: Response, prepared: PreparedServer) => {
    const created = saveServer(ctx, prepared);
    if (ctx.faults.roll(ctx.faults.current().createTimeoutButSucceedsRate))
      return pending.hold(res, ctx.options.hangMs);
    sendServer(req, res, created, 201);
  };

  /** Validated at once, saved after createDelayMs: concurrent duplicates both pass validation (see saveServer). */
  router.post('/servers', (req, res, next) => {
    const prepared = prepareServer(ctx, input(req));
    const { createDelayMs } = ctx.faults.current();
    if (createDelayMs === 0) return save(req, res, prepared);
    pending.delay(createDelayMs, () => {
      try {
        save(req, res, prepared);
      } catch (err) {
        next(err);
      }
    });
  });

  router.patch('/servers/:server/details', (req, res) => {
    sendServer(req, res, updateDetails(ctx, loadServer(req), input(req)));
  });

  router.patch('/servers/:server/build', (req, res) => {
    sendServer(req, res, updateBuild(ctx, loadServer(req), input(req)));
  });

  router.patch('/servers/:server/startup', (req, res) => {
    sendServer(req, res, updateStartup(ctx, loadServer(req), input(req)));
  });

  router.post('/servers/:server/suspend', (req, res) => {
    setSuspended(ctx, loadServer(req), true);
    res.status(204).end();
  });

  router.post('/servers/:server/unsuspend', (req, res) => {
    setSuspended(ctx, loadServer(req), false);
    res.status(204).end();
  });

  router.post('/servers/:server/reinstall', (req, res) => {
    reinstall(ctx, loadServer(req));
    res.status(204).end();
  });

  router.delete(['/servers/:server', '/servers/:server/force'], (req, res) => {
    deleteServer(ctx, loadServer(req));
    if (ctx.faults.roll(ctx.faults.current().deleteTimeoutButSucceedsRate))
      return pending.hold(res, ctx.options.hangMs);
    res.status(204).end();
  });

  return router;
}
