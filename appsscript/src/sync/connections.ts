import type { Connection } from '../../../shared/api/connections.ts';
import { CRM_IDS, type CrmId, DEFAULT_MAPS, isCrmId } from '../../../shared/mapping/index.ts';
import { call } from '../companion/client.ts';
import { AddonError } from '../companion/errors.ts';

/** A CRM connection as the sidebar shows it (the companion never sends credentials). */
export interface ConnectionView {
  readonly id: string;
  readonly crm: string;
  readonly crmLabel: string;
  readonly label: string;
  readonly status: Connection['status'];
}

export function viewOf(connection: Connection): ConnectionView {
  return {
    id: connection.id,
    crm: connection.crm,
    crmLabel: DEFAULT_MAPS[connection.crm].label,
    label: connection.label,
    status: connection.status,
  };
}

/** Every CRM the sidebar offers, with its objects; the companion says which are set up when connecting. */
export function crmChoices(): { id: CrmId; label: string; objects: string[] }[] {
  return CRM_IDS.map((id) => ({
    id,
    label: DEFAULT_MAPS[id].label,
    objects: Object.keys(DEFAULT_MAPS[id].objects),
  }));
}

function crmOrThrow(crm: string): CrmId {
  if (!isCrmId(crm)) throw new AddonError('mapping_unknown_crm', `Unknown CRM "${crm}".`);
  return crm;
}

/**
 * Starts connecting a CRM through its OAuth consent page: the companion answers a URL carrying a short
 * sealed ticket, which the sidebar opens in a popup (the popup cannot send the add-on's identity token).
 */
export function connectCrm(crm: string): { url: string; expiresAt: string } {
  return call('connectCrm', { params: { crm: crmOrThrow(crm) } });
}

/** Connects HubSpot with a private app token instead of OAuth; the companion checks it first. */
export function connectWithToken(crm: string, token: string): ConnectionView {
  if (crmOrThrow(crm) !== 'hubspot') {
    throw new AddonError('invalid_input', 'Only HubSpot private app tokens can be used instead of OAuth.');
  }
  return viewOf(call('connectWithToken', { body: { crm: 'hubspot', token: token.trim() } }));
}

/** Disconnects a CRM account; the companion deletes its stored credentials. */
export function disconnectCrm(connectionId: string): { id: string } {
  call('deleteConnection', { params: { connectionId } });
  return { id: connectionId };
}

export function listConnectionViews(): ConnectionView[] {
  return call('listConnections').connections.map(viewOf);
}
