export { sendInChunks } from './batch.ts';
export { CrmApiError, type CrmErrorCode, isCrmApiError, type VendorError } from './crm-error.ts';
export {
  type ApiCallStats,
  createRequestRunner,
  DEFAULT_RETRY,
  type HttpRequest,
  type HttpResponse,
  type RequestRunner,
  type RetryPolicy,
  type RunnerOptions,
} from './http.ts';
export { hubspotConnector, hubspotTokenExchange, hubspotWebhook } from './hubspot/index.ts';
export {
  defineProvider,
  type ProviderDescription,
  providerSchema,
  type RateLimit,
  resolveHooks,
} from './provider-schema.ts';
export { localRateLimiter, type RateLimiter } from './rate-limit.ts';
export { PROVIDERS, providerFor } from './registry.ts';
export { salesforceConnector, salesforceTokenExchange, salesforceWebhook } from './salesforce/index.ts';
export { storedTokenSource } from './stored-tokens.ts';
export { refreshingTokenSource, staticToken, type TokenSource } from './tokens.ts';
export type * from './types.ts';
