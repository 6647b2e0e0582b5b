import { Router } from 'express';
import type { SimContext } from '../context';
import { includes, item, pagedList, pageRequest, plainList } from '../http/listing';
import { eggAttributes, eggVariableAttributes, locationAttributes, nestAttributes } from '../http/transformers';
import type { EggRow } from '../store/rows';
import { found, idParam } from './params';

/** Locations, nests and eggs. */
export function catalogRoutes(ctx: SimContext): Router {
  const router = Router();

  const eggItem = (egg: EggRow, wanted: Set<string>) => {
    const attributes = eggAttributes(egg);
    if (wanted.has('variables')) {
      attributes.relationships = {
        variables: plainList(ctx.catalog.variablesOfEgg(egg.id), 'egg_variable', eggVariableAttributes),
      };
    }
    return item('egg', attributes);
  };

  router.get('/locations', (req, res) => {
    res.json(pagedList(req, ctx.catalog.listLocations(pageRequest(req)), 'location', locationAttributes));
  });

  router.get('/locations/:location', (req, res) => {
    res.json(item('location', locationAttributes(found(ctx.catalog.getLocation(idParam(req, 'location'))))));
  });

  router.get('/nests', (req, res) => {
    res.json(pagedList(req, ctx.catalog.listNests(pageRequest(req)), 'nest', nestAttributes));
  });

  router.get('/nests/:nest', (req, res) => {
    res.json(item('nest', nestAttributes(found(ctx.catalog.getNest(idParam(req, 'nest'))))));
  });

  router.get('/nests/:nest/eggs', (req, res) => {
    const nest = found(ctx.catalog.getNest(idParam(req, 'nest')));
    const wanted = includes(req);
    res.json({ object: 'list', data: ctx.catalog.eggsOfNest(nest.id).map((egg) => eggItem(egg, wanted)) });
  });

  router.get('/nests/:nest/eggs/:egg', (req, res) => {
    const nest = found(ctx.catalog.getNest(idParam(req, 'nest')));
    const egg = found(ctx.catalog.getEgg(idParam(req, 'egg')));
    if (egg.nest_id !== nest.id) found(undefined);
    res.json(eggItem(egg, includes(req)));
  });

  return router;
}
