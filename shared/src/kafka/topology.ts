// The pipeline's topics and the Avro schema of each, declared as data. Services name topics through
// this table only, so the topology can be read (and checked) in one place.

export const Topic = {
  requests: 'campaign.requests',
  stepProject: 'campaign.step.project',
  stepFacility: 'campaign.step.facility',
  stepUser: 'campaign.step.user',
  // One topic per mapping step, so a chunk of one never waits behind chunks of another.
  stepFacilityMapping: 'campaign.step.mapping.facility',
  stepUserMapping: 'campaign.step.mapping.user',
  stepProductMapping: 'campaign.step.mapping.product',
  stepEvents: 'campaign.step.events',
  status: 'campaign.status',
  dlq: 'campaign.dlq',
} as const;
export type TopicName = (typeof Topic)[keyof typeof Topic];

/** Schema file (in shared/schemas) of each topic's values; the DLQ carries the original bytes. */
export const TOPIC_SCHEMA_FILES: Record<Exclude<TopicName, 'campaign.dlq'>, string> = {
  'campaign.requests': 'campaign-request.avsc',
  'campaign.step.project': 'step-command.avsc',
  'campaign.step.facility': 'step-command.avsc',
  'campaign.step.user': 'step-command.avsc',
  'campaign.step.mapping.facility': 'step-command.avsc',
  'campaign.step.mapping.user': 'step-command.avsc',
  'campaign.step.mapping.product': 'step-command.avsc',
  'campaign.step.events': 'step-event.avsc',
  'campaign.status': 'campaign-status.avsc',
};

export type AvroTopic = keyof typeof TOPIC_SCHEMA_FILES;

export const ALL_TOPICS: TopicName[] = Object.values(Topic);

/** Topics carrying step commands, one per step a worker runs. */
export const STEP_COMMAND_TOPICS = [
  Topic.stepProject,
  Topic.stepFacility,
  Topic.stepUser,
  Topic.stepFacilityMapping,
  Topic.stepUserMapping,
  Topic.stepProductMapping,
] as const;

/** Subject naming of the Confluent TopicNameStrategy. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** Headers set on every message routed to the DLQ. */
export const DlqHeader = {
  reason: 'dlq-reason',
  detail: 'dlq-detail',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  group: 'dlq-consumer-group',
} as const;

/** `crashed-consumer`: handling the message killed the process as many times as allowed. */
export type DlqReason = 'undecodable' | 'unknown-schema' | 'poison' | 'crashed-consumer';
