-- The audit log is append-only, enforced by the database as well as by the code: nothing that runs SQL
-- against it (a bug, a hand-run script, a compromised worker) can rewrite history. Written by hand because
-- drizzle-kit cannot express triggers. Works the same on PGlite and PostgreSQL (plpgsql is built in).
CREATE FUNCTION "rowbridge_audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit entries are never changed or removed; append a new entry instead.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "rowbridge_audit_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "rowbridge_audit_log_append_only"();
