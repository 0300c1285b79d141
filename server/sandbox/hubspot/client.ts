/**
 * The OAuth app the companion and the CLI use against the sandbox HubSpot: not secrets, the sandbox only
 * runs on this machine. Webhooks the sandbox sends are signed with this client secret.
 */
export const SANDBOX_HUBSPOT_CLIENT = {
  clientId: 'rowbridge-sandbox-hubspot',
  clientSecret: 'rowbridge-sandbox-hubspot-secret',
} as const;
