CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"table_id" text,
	"row_id" text,
	"crm_id" text,
	"field" text,
	"old_value" jsonb,
	"new_value" jsonb,
	"target" text NOT NULL,
	"source" text NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"explanation" text,
	"job_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_source_check" CHECK ("audit_log"."source" in ('sheet', 'crm', 'user', 'system'))
);
--> statement-breakpoint
CREATE TABLE "conflicts" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"table_id" text NOT NULL,
	"link_id" text,
	"row_id" text NOT NULL,
	"field" text NOT NULL,
	"base" jsonb,
	"sheet" jsonb NOT NULL,
	"crm" jsonb NOT NULL,
	"explanation" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	CONSTRAINT "conflicts_status_check" CHECK ("conflicts"."status" in ('open', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"spreadsheet_id" text,
	"crm" text NOT NULL,
	"label" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"credentials_key_id" text NOT NULL,
	"credentials_ciphertext" text NOT NULL,
	"account_id" text,
	"instance_url" text,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone,
	"last_error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "connections_tenant_id_unique" UNIQUE("tenant_id","id"),
	CONSTRAINT "connections_status_check" CHECK ("connections"."status" in ('active', 'expired', 'revoked', 'error'))
);
--> statement-breakpoint
CREATE TABLE "inbox_events" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text,
	"source" text NOT NULL,
	"vendor_event_id" text NOT NULL,
	"connection_id" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "inbox_events_source_event_unique" UNIQUE("source","vendor_event_id")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"table_id" text,
	"kind" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"progress" jsonb,
	"result" jsonb,
	"error" jsonb,
	"queue_job_id" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "record_links" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"table_id" text NOT NULL,
	"row_id" text NOT NULL,
	"crm_id" text,
	"base" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stamps" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"crm_modified_at" timestamp with time zone,
	"state" text DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_links_tenant_id_unique" UNIQUE("tenant_id","id"),
	CONSTRAINT "record_links_row_unique" UNIQUE("tenant_id","table_id","row_id"),
	CONSTRAINT "record_links_state_check" CHECK ("record_links"."state" in ('linked', 'pending', 'archived', 'error'))
);
--> statement-breakpoint
CREATE TABLE "spreadsheets" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"google_spreadsheet_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"secret_key_id" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spreadsheets_tenant_google_unique" UNIQUE("tenant_id","google_spreadsheet_id"),
	CONSTRAINT "spreadsheets_tenant_id_unique" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sync_tables" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"spreadsheet_id" text NOT NULL,
	"sheet_tab_id" integer NOT NULL,
	"sheet_tab_name" text NOT NULL,
	"connection_id" text NOT NULL,
	"crm_object" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"policy" text DEFAULT 'manual' NOT NULL,
	"region" text,
	"cursors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reconcile_interval_seconds" integer DEFAULT 300 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_tables_tenant_id_unique" UNIQUE("tenant_id","id"),
	CONSTRAINT "sync_tables_tab_unique" UNIQUE("tenant_id","spreadsheet_id","sheet_tab_id"),
	CONSTRAINT "sync_tables_policy_check" CHECK ("sync_tables"."policy" in ('manual', 'last-writer-wins', 'sheet-wins', 'crm-wins')),
	CONSTRAINT "sync_tables_status_check" CHECK ("sync_tables"."status" in ('active', 'paused', 'error'))
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_key_unique" UNIQUE("key"),
	CONSTRAINT "tenants_kind_check" CHECK ("tenants"."kind" in ('domain', 'user'))
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY DEFAULT gen_random_uuid()::text NOT NULL,
	"tenant_id" text NOT NULL,
	"google_sub" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_google_sub_unique" UNIQUE("google_sub")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_table_fk" FOREIGN KEY ("tenant_id","table_id") REFERENCES "public"."sync_tables"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_link_fk" FOREIGN KEY ("tenant_id","link_id") REFERENCES "public"."record_links"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_spreadsheet_fk" FOREIGN KEY ("tenant_id","spreadsheet_id") REFERENCES "public"."spreadsheets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_events" ADD CONSTRAINT "inbox_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_events" ADD CONSTRAINT "inbox_events_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_table_fk" FOREIGN KEY ("tenant_id","table_id") REFERENCES "public"."sync_tables"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_links" ADD CONSTRAINT "record_links_table_fk" FOREIGN KEY ("tenant_id","table_id") REFERENCES "public"."sync_tables"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spreadsheets" ADD CONSTRAINT "spreadsheets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spreadsheets" ADD CONSTRAINT "spreadsheets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_tables" ADD CONSTRAINT "sync_tables_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_tables" ADD CONSTRAINT "sync_tables_spreadsheet_fk" FOREIGN KEY ("tenant_id","spreadsheet_id") REFERENCES "public"."spreadsheets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_tables" ADD CONSTRAINT "sync_tables_connection_fk" FOREIGN KEY ("tenant_id","connection_id") REFERENCES "public"."connections"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_tenant_idx" ON "audit_log" USING btree ("tenant_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_table_idx" ON "audit_log" USING btree ("tenant_id","table_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_row_idx" ON "audit_log" USING btree ("tenant_id","table_id","row_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_crm_idx" ON "audit_log" USING btree ("tenant_id","table_id","crm_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "conflicts_open_field_unique" ON "conflicts" USING btree ("tenant_id","table_id","row_id","field") WHERE "conflicts"."status" = 'open';--> statement-breakpoint
CREATE INDEX "conflicts_table_status_idx" ON "conflicts" USING btree ("tenant_id","table_id","status","created_at");--> statement-breakpoint
CREATE INDEX "connections_tenant_spreadsheet_idx" ON "connections" USING btree ("tenant_id","spreadsheet_id");--> statement-breakpoint
CREATE INDEX "connections_account_idx" ON "connections" USING btree ("crm","account_id");--> statement-breakpoint
CREATE INDEX "inbox_events_pending_idx" ON "inbox_events" USING btree ("available_at") WHERE "inbox_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "jobs_tenant_table_idx" ON "jobs" USING btree ("tenant_id","table_id","created_at");--> statement-breakpoint
CREATE INDEX "jobs_queue_job_idx" ON "jobs" USING btree ("queue_job_id");--> statement-breakpoint
CREATE UNIQUE INDEX "record_links_crm_unique" ON "record_links" USING btree ("tenant_id","table_id","crm_id") WHERE "record_links"."crm_id" is not null;--> statement-breakpoint
CREATE INDEX "sync_tables_tenant_spreadsheet_idx" ON "sync_tables" USING btree ("tenant_id","spreadsheet_id");--> statement-breakpoint
CREATE INDEX "sync_tables_connection_idx" ON "sync_tables" USING btree ("tenant_id","connection_id");--> statement-breakpoint
CREATE INDEX "users_tenant_idx" ON "users" USING btree ("tenant_id");