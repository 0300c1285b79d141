import { Hono } from 'hono';
import { ROUTES } from '../../shared/api/routes.ts';
import type { AppDeps } from '../app.ts';
import { buildOpenApiDocument, type OpenApiDocument } from '../http/openapi.ts';
import { route } from '../http/route.ts';

/** `GET /openapi.json`: the API contract, generated from `ROUTES` on first request and then reused. */
export function openApiRoutes(deps: Pick<AppDeps, 'version'>): Hono {
  const app = new Hono();
  let document: OpenApiDocument | undefined;
  route(app, ROUTES.openApi, () => {
    document ??= buildOpenApiDocument({ version: deps.version });
    return document;
  });
  return app;
}
