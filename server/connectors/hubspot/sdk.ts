import * as associations from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import * as lists from '@hubspot/api-client/lib/codegen/crm/lists/index.js';
import * as objects from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import * as properties from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import * as oauth from '@hubspot/api-client/lib/codegen/oauth/index.js';
import type { RequestRunner } from '../http.ts';

/*
 * How HubSpot's official SDK is routed through our request runner.
 *
 * `new Client({...})` offers no custom fetch: its transport calls the global `fetch`, and its retry and
 * limiter decorators live in a process-wide singleton (`ApiDecoratorService.getInstance()`), which the
 * last `Client` constructed in the process configures for everyone. Neither fits a multi-tenant server.
 * Underneath, each API module is an OpenAPI-generator client whose `createConfiguration({ baseServer,
 * httpApi })` accepts any `HttpLibrary` (`wrapHttpLibrary` adapts a promise-based one). So we build the
 * generated API classes (`BatchApi`, `SearchApi`, ...) ourselves with an `httpApi` that hands every request
 * to the connection's runner: the SDK still builds URLs and bodies and parses responses into its models,
 * while limits, retries, token refresh and counting are ours and per connection. No auth methods are
 * configured: the runner adds the connection's current token to each attempt, so a refreshed token is
 * used on the retry.
 */

interface SdkRequest {
  getUrl(): string;
  getHttpMethod(): string;
  getHeaders(): Record<string, string>;
  getBody(): unknown;
}

interface SdkBody {
  text(): Promise<string>;
  binary(): Promise<Buffer>;
}

/** The parts every generated module exports under the same names. */
interface SdkModule<Configuration, Library, Response, Server, Request extends SdkRequest> {
  createConfiguration(conf: { baseServer: Server; httpApi: Library }): Configuration;
  wrapHttpLibrary(library: { send(request: Request): Promise<Response> }): Library;
  ResponseContext: new (status: number, headers: Record<string, string>, body: SdkBody) => Response;
  ServerConfiguration: new (url: string, variables: Record<string, never>) => Server;
}

// POSTs that are safe to send twice after a lost answer: reads, searches, upserts, archives, and property
// creation (a repeat answers 409, which `ensureProperties` treats as "exists"). Single creates are not.
const IDEMPOTENT_POST =
  /\/batch\/(read|upsert|update|archive)$|\/search$|\/crm\/v3\/properties\/[^/]+(\/groups)?$|\/oauth\/v1\/token$/;

function configure<Configuration, Library, Response, Server, Request extends SdkRequest>(
  module: SdkModule<Configuration, Library, Response, Server, Request>,
  basePath: string,
  runner: RequestRunner,
  anonymous = false,
): Configuration {
  const httpApi = module.wrapHttpLibrary({
    async send(request) {
      const method = request.getHttpMethod();
      const url = request.getUrl();
      const response = await runner.send({
        method,
        url,
        headers: { ...request.getHeaders(), 'user-agent': 'rowbridge (hubspot-api-client)' },
        ...bodyOf(request.getBody()),
        idempotent: method !== 'POST' || IDEMPOTENT_POST.test(new URL(url).pathname),
        anonymous,
      });
      return new module.ResponseContext(response.status, response.headers, {
        text: async () => response.body,
        binary: async () => Buffer.from(response.body),
      });
    },
  });
  return module.createConfiguration({
    baseServer: new module.ServerConfiguration(basePath.replace(/\/$/, ''), {}),
    httpApi,
  });
}

function bodyOf(body: unknown): { body?: string } {
  if (body === undefined) return {};
  if (typeof body === 'string') return { body };
  if (body instanceof URLSearchParams) return { body: body.toString() };
  // Only file uploads send FormData, and no connector uploads files.
  throw new TypeError('Unsupported HubSpot SDK request body');
}

/** The SDK APIs a HubSpot connection uses, all sending through `runner`. */
export function hubspotApis(basePath: string, runner: RequestRunner) {
  const objectsConfig = configure(objects, basePath, runner);
  const propertiesConfig = configure(properties, basePath, runner);
  const associationsConfig = configure(associations, basePath, runner);
  return {
    basic: new objects.BasicApi(objectsConfig),
    batch: new objects.BatchApi(objectsConfig),
    search: new objects.SearchApi(objectsConfig),
    properties: new properties.CoreApi(propertiesConfig),
    propertyGroups: new properties.GroupsApi(propertiesConfig),
    associations: new associations.BatchApi(associationsConfig),
    listMemberships: new lists.MembershipsApi(configure(lists, basePath, runner)),
  };
}
export type HubSpotApis = ReturnType<typeof hubspotApis>;

/** The SDK's OAuth token API, sending without a bearer token. */
export function hubspotTokensApi(basePath: string, runner: RequestRunner): oauth.TokensApi {
  return new oauth.TokensApi(configure(oauth, basePath, runner, true));
}
