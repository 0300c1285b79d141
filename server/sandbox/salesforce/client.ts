/**
 * The connected app the companion uses against the sandbox Salesforce org: not secrets, the sandbox only
 * runs on this machine.
 */
export const SANDBOX_SALESFORCE_CLIENT = {
  clientId: 'rowbridge-sandbox-salesforce',
  clientSecret: 'rowbridge-sandbox-salesforce-secret',
} as const;
