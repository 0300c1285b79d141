import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../orm.ts';
import { tenants, users } from '../schema.ts';
import type { TenantKind } from '../values.ts';

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;

/**
 * Who signed in, from a verified Google identity token: `tenant` is what `tenantKeyOf` (server/auth)
 * returns, `user` the token's `sub` and `email`.
 */
export interface SignIn {
  readonly tenant: { readonly kind: TenantKind; readonly key: string; readonly name?: string };
  readonly user: { readonly googleSub: string; readonly email: string };
}

/** Tenants and their users. */
export function tenantsRepo(db: Executor) {
  return {
    /**
     * Finds or creates the tenant and user for a sign-in and marks the user as seen. Idempotent and safe
     * under concurrent sign-ins (both statements are upserts). A user whose tenant changed (an account
     * that joined a Workspace domain) moves to the new tenant: the identity token is the authority.
     */
    async upsertSignIn(identity: SignIn): Promise<{ tenant: Tenant; user: User }> {
      const [tenant] = await db
        .insert(tenants)
        .values({ kind: identity.tenant.kind, key: identity.tenant.key, name: identity.tenant.name ?? null })
        .onConflictDoUpdate({
          target: tenants.key,
          set: { name: sql`coalesce(excluded.name, ${tenants.name})` },
        })
        .returning();
      if (!tenant) throw new Error('tenant upsert returned no row');
      const [user] = await db
        .insert(users)
        .values({ tenantId: tenant.id, googleSub: identity.user.googleSub, email: identity.user.email })
        .onConflictDoUpdate({
          target: users.googleSub,
          set: { tenantId: tenant.id, email: identity.user.email, lastSeenAt: sql`now()` },
        })
        .returning();
      if (!user) throw new Error('user upsert returned no row');
      return { tenant, user };
    },

    async getTenant(tenantId: string): Promise<Tenant | undefined> {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
      return row;
    },

    async getTenantByKey(key: string): Promise<Tenant | undefined> {
      const [row] = await db.select().from(tenants).where(eq(tenants.key, key));
      return row;
    },

    /** A user of this tenant; another tenant's user id gives `undefined`. */
    async getUser(tenantId: string, userId: string): Promise<User | undefined> {
      const [row] = await db
        .select()
        .from(users)
        .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
      return row;
    },
  };
}
export type TenantsRepo = ReturnType<typeof tenantsRepo>;
