import type { RouteName, Routes } from '../../../shared/api/routes.ts';
import type { AuthEnv } from '../../auth/middleware.ts';
import type { RouteHandler } from '../../http/route.ts';

/** The routes the add-on calls (auth `addon`): the ones this folder implements. */
export type AddonRouteName = {
  [K in RouteName]: Routes[K]['auth'] extends 'addon' ? K : never;
}[RouteName];

/**
 * A handler for every add-on route. `apiRoutes` takes exactly this, so a route added to the contract does
 * not compile until it has a handler, rather than answering 404 at run time.
 */
export type ApiHandlers = { [K in AddonRouteName]: RouteHandler<Routes[K], AuthEnv> };
