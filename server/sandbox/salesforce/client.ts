/**
 * The connected app the companion and the CLI use against the sandbox Salesforce: not secrets, the sandbox
 * only runs on this machine.
 */
export const SANDBOX_SALESFORCE_CLIENT = {
  clientId: 'rowbridge-sandbox-salesforce',
  clientSecret: 'rowbridge-sandbox-salesforce-secret',
} as const;
