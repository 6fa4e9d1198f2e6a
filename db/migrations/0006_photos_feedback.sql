CREATE TABLE `feedback` (
	`event_id` text NOT NULL,
	`pitch_id` text NOT NULL,
	`attendee_id` text NOT NULL,
	`rating` integer NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	PRIMARY KEY(`pitch_id`, `attendee_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pitch_id`) REFERENCES `pitches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attendee_id`) REFERENCES `attendees`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "feedback_rating_range" CHECK("feedback"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE INDEX `feedback_event_idx` ON `feedback` (`event_id`);--> statement-breakpoint
CREATE TABLE `photos` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`pitch_id` text NOT NULL,
	`uploader_id` text,
	`alt` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`bytes` integer NOT NULL,
	`thumb_width` integer NOT NULL,
	`thumb_height` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pitch_id`) REFERENCES `pitches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`uploader_id`) REFERENCES `attendees`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `photos_pitch_idx` ON `photos` (`pitch_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `photos_event_idx` ON `photos` (`event_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `feedback_on` integer DEFAULT false NOT NULL;