import { Router } from 'express';
import type { SimContext } from '../context';
import { PanelError, validationError } from '../http/errors';
import { filters, item, pagedList, pageRequest, plainList } from '../http/listing';
import { allocationAttributes, nodeAttributes } from '../http/transformers';
import { asList, toInt } from '../services/coerce';
import type { Condition } from '../store/paging';
import { exactMatch, partialMatch } from '../store/paging';
import { validate } from '../../../src/provider/validation/validator';
import { found, idParam, query } from './params';

function allocationFilters(values: Map<string, string[]>): Condition[] {
  const conditions: Condition[] = [];
  const ip = values.get('ip');
  const port = values.get('port');
  const alias = values.get('ip_alias');
  const serverId = values.get('server_id');
  if (ip) conditions.push(exactMatch('ip', ip));
  if (port) conditions.push(exactMatch('port', port));
  if (alias) conditions.push(partialMatch('ip_alias', alias));
  if (serverId) {
    const value = serverId.join(',');
    conditions.push(
      /^\d+$/.test(value) && Number(value) !== 0
        ? { sql: 'server_id = ?', params: [Number(value)] }
        : { sql: 'server_id IS NULL', params: [] },
    );
  }
  return conditions;
}

/** Nodes, deployable nodes and node allocations. */
export function nodeRoutes(ctx: SimContext): Router {
  const router = Router();

  router.get('/nodes', (req, res) => {
    res.json(pagedList(req, ctx.catalog.listNodes(pageRequest(req)), 'node', nodeAttributes));
  });

  router.get('/nodes/deployable', (req, res) => {
    const params = query(req);
    const issues = validate(params, {
      page: 'integer',
      memory: 'required|integer|min:0',
      disk: 'required|integer|min:0',
      location_ids: 'array',
      'location_ids.*': 'integer',
    });
    if (issues.length > 0) throw validationError(issues);
    const nodes = ctx.catalog.viableNodes({
      memory: toInt(params.memory),
      disk: toInt(params.disk),
      locationIds: asList(params.location_ids).map(toInt),
    });
    if (nodes.length === 0) {
      throw new PanelError(
        400,
        'NoViableNodeException',
        'No nodes satisfying the requirements specified for automatic deployment could be found.',
      );
    }
    if (params.page === undefined || params.page === null) {
      res.json(plainList(nodes, 'node', nodeAttributes));
      return;
    }
    const { page, perPage } = pageRequest(req);
    const rows = nodes.slice((page - 1) * perPage, page * perPage);
    res.json(pagedList(req, { rows, total: nodes.length, page, perPage }, 'node', nodeAttributes));
  });

  router.get('/nodes/:node', (req, res) => {
    res.json(item('node', nodeAttributes(found(ctx.catalog.getNode(idParam(req, 'node'))))));
  });

  router.get('/nodes/:node/allocations', (req, res) => {
    const node = found(ctx.catalog.getNode(idParam(req, 'node')));
    const conditions = allocationFilters(filters(req, ['ip', 'port', 'ip_alias', 'server_id']));
    const page = ctx.allocations.listForNode(node.id, conditions, pageRequest(req));
    res.json(pagedList(req, page, 'allocation', allocationAttributes));
  });

  return router;
}
