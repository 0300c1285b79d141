import * as z from 'zod';
import { RowbridgeError } from '../../../shared/errors.ts';
import { createRequestRunner, type RunnerOptions } from '../http.ts';
import { staticToken } from '../tokens.ts';
import { describeSalesforceError } from './mappers.ts';
import { salesforceProvider } from './provider.ts';
import { runnerConnection } from './transport.ts';

/** Who fresh tokens belong to: the org (the connection's account) and the user they act as. */
export interface SalesforceIdentity {
  /** 18-character org id (`00D…`). */
  readonly organizationId: string;
  /** 18-character user id (`005…`): our integration user, whose changes are echoes. */
  readonly userId: string;
  readonly username?: string;
}

const ORG = /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;
const USER = /^005[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;

const userInfoSchema = z.looseObject({
  organization_id: z.string().regex(ORG),
  user_id: z.string().regex(USER),
  preferred_username: z.string().optional(),
});

/**
 * The org and user in a token answer's identity URL (`id`: `https://login…/id/<org id>/<user id>`), read
 * without calling it; undefined when the answer has none.
 */
export function parseIdentityUrl(value: unknown): { organizationId: string; userId: string } | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const [, org, user] = /\/id\/([^/]+)\/([^/]+)\/?$/.exec(new URL(value).pathname) ?? [];
  return org && user && ORG.test(org) && USER.test(user) ? { organizationId: org, userId: user } : undefined;
}

/**
 * Asks the org who a new access token is (OpenID Connect `userinfo` on the instance, through jsforce and
 * a runner of its own), and checks the answer against the identity URL of the token answer when it has
 * one. A mismatch means the answer cannot be trusted to label the connection: connect again.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm
 */
export async function salesforceIdentity(input: {
  readonly accessToken: string;
  readonly instanceUrl: string;
  readonly version: string;
  /** `id` of the token answer. */
  readonly identityUrl?: unknown;
  readonly runner?: Omit<RunnerOptions, 'crm' | 'label' | 'tokens'>;
}): Promise<SalesforceIdentity> {
  const runner = createRequestRunner({
    ...input.runner,
    crm: salesforceProvider.id,
    label: salesforceProvider.label,
    describeError: describeSalesforceError,
    tokens: staticToken(input.accessToken),
  });
  const connection = runnerConnection(runner, { instanceUrl: input.instanceUrl, version: input.version });
  const answer = userInfoSchema.safeParse(
    await connection.request({ method: 'GET', url: '/services/oauth2/userinfo' }),
  );
  const claimed = parseIdentityUrl(input.identityUrl);
  const same = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);
  if (
    !answer.success ||
    (claimed &&
      (!same(claimed.organizationId, answer.data.organization_id) ||
        !same(claimed.userId, answer.data.user_id)))
  ) {
    throw new RowbridgeError(
      'crm_unavailable',
      'Salesforce did not say clearly which org the new connection belongs to. Try connecting again.',
    );
  }
  return {
    organizationId: answer.data.organization_id,
    userId: answer.data.user_id,
    ...(answer.data.preferred_username ? { username: answer.data.preferred_username } : {}),
  };
}
