import { apiVersionsCodec } from './api-versions.ts';
import { fetchCodec } from './fetch.ts';
import {
  describeGroupsCodec,
  findCoordinatorCodec,
  heartbeatCodec,
  joinGroupCodec,
  leaveGroupCodec,
  listGroupsCodec,
  syncGroupCodec,
} from './groups.ts';
import { initProducerIdCodec } from './init-producer-id.ts';
import { listOffsetsCodec } from './list-offsets.ts';
import { metadataCodec } from './metadata.ts';
import { offsetCommitCodec, offsetFetchCodec } from './offsets.ts';
import { produceCodec } from './produce.ts';
import { createTopicsCodec, deleteTopicsCodec } from './topics.ts';

export {
  apiVersionsCodec,
  createTopicsCodec,
  deleteTopicsCodec,
  describeGroupsCodec,
  fetchCodec,
  findCoordinatorCodec,
  heartbeatCodec,
  initProducerIdCodec,
  joinGroupCodec,
  leaveGroupCodec,
  listGroupsCodec,
  listOffsetsCodec,
  metadataCodec,
  offsetCommitCodec,
  offsetFetchCodec,
  produceCodec,
  syncGroupCodec,
};
