CREATE TABLE `calendar_links` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`attendee_id` text NOT NULL,
	`scope` text NOT NULL,
	`selector` text NOT NULL,
	`verifier` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`renewed_at` text,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attendee_id`) REFERENCES `attendees`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_links_selector_unique` ON `calendar_links` (`selector`);--> statement-breakpoint
CREATE INDEX `calendar_links_owner_idx` ON `calendar_links` (`attendee_id`,`scope`);--> statement-breakpoint
CREATE TABLE `co_hosts` (
	`pitch_id` text NOT NULL,
	`event_id` text NOT NULL,
	`attendee_id` text NOT NULL,
	`status` text DEFAULT 'invited' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`responded_at` text,
	PRIMARY KEY(`pitch_id`, `attendee_id`),
	FOREIGN KEY (`pitch_id`) REFERENCES `pitches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attendee_id`) REFERENCES `attendees`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `co_hosts_event_idx` ON `co_hosts` (`event_id`);--> statement-breakpoint
CREATE INDEX `co_hosts_attendee_idx` ON `co_hosts` (`attendee_id`,`status`);--> statement-breakpoint
CREATE TABLE `going` (
	`pitch_id` text NOT NULL,
	`event_id` text NOT NULL,
	`attendee_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`pitch_id`, `attendee_id`),
	FOREIGN KEY (`pitch_id`) REFERENCES `pitches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attendee_id`) REFERENCES `attendees`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `going_event_idx` ON `going` (`event_id`,`attendee_id`);--> statement-breakpoint
CREATE INDEX `going_pitch_idx` ON `going` (`pitch_id`,`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `pitches` ADD `going_cap` integer;