CREATE TABLE `unavailability` (
	`attendee_id` text NOT NULL,
	`slot_id` text NOT NULL,
	`event_id` text NOT NULL,
	PRIMARY KEY(`attendee_id`, `slot_id`),
	FOREIGN KEY (`attendee_id`) REFERENCES `attendees`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`slot_id`) REFERENCES `time_slots`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `unavailability_event_idx` ON `unavailability` (`event_id`);--> statement-breakpoint
ALTER TABLE `pitches` ADD `span` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `pitches` ADD `needs` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `pitches` ADD `remote_url` text;--> statement-breakpoint
ALTER TABLE `rooms` ADD `features` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `rooms` ADD `remote_url` text;