ALTER TABLE `events` ADD `announcement` text;--> statement-breakpoint
ALTER TABLE `events` ADD `announcement_at` text;