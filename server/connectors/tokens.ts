import { CrmApiError } from './crm-error.ts';

/** Where a connection's access token comes from; the request runner asks it before every attempt. */
export interface TokenSource {
  current(): string | Promise<string>;
  /**
   * Called once when the CRM answered 401 to `rejected`. Resolves to a newer token, or throws
   * `auth_expired` when there is none (no refresh token, or the CRM refused it).
   */
  refresh?(rejected: string): Promise<string>;
}

/** A private-app token or API key: nothing to refresh. */
export function staticToken(token: string): TokenSource {
  return { current: () => token };
}

/** What a token endpoint answered to a refresh. */
export interface ExchangedTokenSet {
  readonly accessToken: string;
  /** A rotated refresh token: the old one no longer works, so this one must be stored. */
  readonly refreshToken?: string;
  /** Epoch ms. */
  readonly expiresAt?: number;
  /** Salesforce's `instance_url` when the org moved: later calls go there. */
  readonly instanceUrl?: string;
}

/** Stored OAuth tokens, as far as refreshing is concerned. */
export interface StoredTokens<Version> {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  /** What a compare-and-swap compares (the sealed ciphertext of `replaceCredentials`). */
  readonly version: Version;
}

export interface RefreshingTokenOptions<Version> {
  /** Reads the tokens as stored now (another worker may have refreshed them). */
  load(): Promise<StoredTokens<Version>>;
  /** Exchanges a refresh token at the CRM's token endpoint. */
  exchange(refreshToken: string): Promise<ExchangedTokenSet>;
  /**
   * Stores the new tokens only if the stored ones are still `version` (`replaceCredentials` semantics).
   * Resolves false when another writer won the race.
   */
  swap(version: Version, next: ExchangedTokenSet): Promise<boolean>;
}

/**
 * An OAuth token source that refreshes on 401 and is safe with several workers. Before refreshing it
 * re-reads the store: if someone already replaced the rejected token, it adopts theirs without calling the
 * CRM. After refreshing it swaps only if nothing changed meanwhile; if another worker won, it adopts the
 * stored tokens, because a CRM that rotates refresh tokens has already invalidated one of the two.
 * Concurrent 401s in this process share one refresh.
 */
export function refreshingTokenSource<Version>(options: RefreshingTokenOptions<Version>): TokenSource {
  let cached: string | undefined;
  let inFlight: Promise<string> | undefined;

  async function refreshOnce(rejected: string): Promise<string> {
    const stored = await options.load();
    if (stored.accessToken !== rejected) return stored.accessToken;
    if (!stored.refreshToken) {
      throw new CrmApiError(
        'auth_expired',
        'The access token expired and the connection has no refresh token. Reconnect the account.',
        { endpoint: 'token refresh', attempts: 0 },
      );
    }
    const next = await options.exchange(stored.refreshToken);
    const merged = { ...next, refreshToken: next.refreshToken ?? stored.refreshToken };
    if (await options.swap(stored.version, merged)) return merged.accessToken;
    return (await options.load()).accessToken;
  }

  return {
    async current() {
      cached ??= (await options.load()).accessToken;
      return cached;
    },
    refresh(rejected) {
      inFlight ??= refreshOnce(rejected)
        .then((token) => {
          cached = token;
          return token;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}
