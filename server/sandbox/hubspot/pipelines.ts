import { Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { HubSpotError } from './errors.ts';
import { isoInstant } from './model.ts';

interface Stage {
  readonly id: string;
  readonly label: string;
  readonly probability: string;
  readonly isClosed: boolean;
}

/** The stages of HubSpot's default deal pipeline ("Sales Pipeline") in a new portal. */
export const DEFAULT_DEAL_STAGES: readonly Stage[] = [
  { id: 'appointmentscheduled', label: 'Appointment Scheduled', probability: '0.2', isClosed: false },
  { id: 'qualifiedtobuy', label: 'Qualified To Buy', probability: '0.4', isClosed: false },
  { id: 'presentationscheduled', label: 'Presentation Scheduled', probability: '0.6', isClosed: false },
  { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', probability: '0.8', isClosed: false },
  { id: 'contractsent', label: 'Contract Sent', probability: '0.9', isClosed: false },
  { id: 'closedwon', label: 'Closed Won', probability: '1.0', isClosed: true },
  { id: 'closedlost', label: 'Closed Lost', probability: '0.0', isClosed: true },
];

export const DEFAULT_PIPELINE_ID = 'default';

function pipelineJson(createdAt: number) {
  const at = isoInstant(createdAt);
  return {
    id: DEFAULT_PIPELINE_ID,
    label: 'Sales Pipeline',
    displayOrder: 0,
    stages: DEFAULT_DEAL_STAGES.map((stage, index) => ({
      id: stage.id,
      label: stage.label,
      displayOrder: index,
      metadata: { isClosed: String(stage.isClosed), probability: stage.probability },
      writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
      createdAt: at,
      updatedAt: at,
      archived: false,
    })),
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
}

/**
 * Deal pipelines, read-only: the default pipeline and its stages.
 * https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide
 */
export function pipelineRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  const pipelines = (objectType: string) => {
    if (objectType !== 'deals' && objectType !== 'deal' && objectType !== '0-3') {
      throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${objectType}`);
    }
    return [pipelineJson(core.store.read().createdAt)];
  };
  const one = (objectType: string, pipelineId: string) => {
    const found = pipelines(objectType).find((p) => p.id === pipelineId);
    if (!found) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find pipeline ${pipelineId}`);
    return found;
  };
  app.get('/crm/v3/pipelines/:objectType', (c) => c.json({ results: pipelines(c.req.param('objectType')) }));
  app.get('/crm/v3/pipelines/:objectType/:pipelineId', (c) =>
    c.json(one(c.req.param('objectType'), c.req.param('pipelineId'))),
  );
  app.get('/crm/v3/pipelines/:objectType/:pipelineId/stages', (c) =>
    c.json({ results: one(c.req.param('objectType'), c.req.param('pipelineId')).stages }),
  );
  return app;
}
