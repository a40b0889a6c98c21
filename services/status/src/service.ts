import { Topic, type ServiceDefinition, type StepEvent } from '@campaign-pipeline/shared';

export const service: ServiceDefinition = {
  name: 'status',
  defaultPort: 3006,
  topics: [Topic.stepEvents, Topic.stepProject, Topic.stepFacility, Topic.stepUser, Topic.stepMapping, Topic.status],
  async setup(context) {
    context.consume<StepEvent>({
      groupId: 'status',
      topics: [Topic.stepEvents],
      handle: async ({ value }) => {
        context.logger.info({ campaignId: value.campaignId, step: value.step, outcome: value.outcome }, 'step event received');
      },
    });
  },
};
