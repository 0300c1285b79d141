ALTER TABLE "connections" ADD COLUMN "login_url" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "crm_user_id" text;