ALTER TABLE `captured_items` ADD `html` text DEFAULT '{"text":"","blocker":"","impact":"","helped":""}' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `pitches` ADD `description_html` text DEFAULT '' NOT NULL;