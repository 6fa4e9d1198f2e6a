ALTER TABLE `captured_items` ADD `mention_id` text REFERENCES attendees(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `captured_items` ADD `mention_consent` text DEFAULT 'asked' NOT NULL;--> statement-breakpoint
CREATE INDEX `captured_items_mention_idx` ON `captured_items` (`mention_id`);