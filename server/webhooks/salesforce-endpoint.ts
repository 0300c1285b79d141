import { createHmac } from 'node:crypto';
import { outboundMessageUrl } from '../connectors/salesforce/index.ts';
import type { Keyring } from '../security/keyring.ts';
import type { Connection } from '../store/repos/index.ts';

/*
 * Each Salesforce connection needs a secret for its Outbound Message URL (Salesforce does not sign those
 * messages; see connectors/salesforce/webhook.ts). It is derived, not stored: HMAC-SHA256 under a key of
 * the companion's keyring of a fixed label and the connection id. So nothing new sits in the database
 * (a database dump alone cannot forge a delivery), every instance of the companion derives the same
 * secret, and deleting the connection retires its URL. The URL's token is then HMAC(secret, org id), so a
 * URL works only for its connection and its org.
 *
 * Key rotation: the URL shown to users is made with the current key, and deliveries are accepted under
 * every key of the keyring, so URLs configured before a rotation keep working until the old key is
 * removed (step 3 of the rotation); by then the API shows the new URL to configure.
 */

/** Separates this use of the keyring's keys from every other (sealing, OAuth state). */
const LABEL = 'rowbridge/salesforce-outbound-message/v1';

/** Where Outbound Messages for one connection are sent, under the public base URL. */
export function salesforceOutboundPath(connectionId: string): string {
  return `/webhooks/salesforce/outbound/${encodeURIComponent(connectionId)}`;
}

function secretUnder(keyring: Keyring, keyId: string, connectionId: string): string | undefined {
  const key = keyring.key(keyId);
  return key && createHmac('sha256', key).update(`${LABEL}\0${connectionId}`).digest('base64url');
}

/** The connection's secret under every key of the keyring, current key first. */
export function outboundSecrets(keyring: Keyring, connectionId: string): string[] {
  return keyring.ids.flatMap((id) => secretUnder(keyring, id, connectionId) ?? []);
}

/**
 * The Outbound Message endpoint URL an administrator configures for a Salesforce connection (also the
 * Apex notifier's endpoint); undefined for other CRMs and for a connection whose org is not known yet.
 *
 * @example
 * salesforceOutboundUrl('https://rowbridge.example.com', keyring, connection)
 * // 'https://rowbridge.example.com/webhooks/salesforce/outbound/<id>?token=<HMAC(secret, org id)>'
 */
export function salesforceOutboundUrl(
  publicUrl: string,
  keyring: Keyring,
  connection: Pick<Connection, 'id' | 'crm' | 'accountId'>,
): string | undefined {
  if (connection.crm !== 'salesforce' || !connection.accountId) return undefined;
  const secret = secretUnder(keyring, keyring.currentId, connection.id);
  if (!secret) return undefined;
  const base = `${publicUrl.replace(/\/+$/, '')}${salesforceOutboundPath(connection.id)}`;
  return outboundMessageUrl(base, secret, connection.accountId);
}
