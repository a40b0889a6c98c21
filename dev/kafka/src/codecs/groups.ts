import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export const COORDINATOR_KEY_GROUP = 0;
export const COORDINATOR_KEY_TRANSACTION = 1;

export type FindCoordinatorRequest = { key: string; keyType: number };
export type FindCoordinatorResponse = {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
};

export const findCoordinatorCodec: ApiCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  decode: (r, version) => ({ key: r.string(), keyType: version >= 1 ? r.int8() : COORDINATOR_KEY_GROUP }),
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.int16(resp.errorCode);
    if (version >= 1) w.nullableString(resp.errorMessage);
    w.int32(resp.nodeId).string(resp.host).int32(resp.port);
  },
  errorResponse: (_req, code) => ({ errorCode: code, errorMessage: null, nodeId: -1, host: '', port: -1 }),
};

export type JoinGroupProtocol = { name: string; metadata: Buffer };
export type JoinGroupRequest = {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupProtocol[];
};
export type JoinGroupMember = { memberId: string; groupInstanceId: string | null; metadata: Buffer };
export type JoinGroupResponse = {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: JoinGroupMember[];
};

export const joinGroupCodec: ApiCodec<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: ApiKey.JoinGroup,
  decode(r, version) {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    // v0 has no rebalance timeout; Kafka uses the session timeout for it
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const groupInstanceId = version >= 5 ? r.nullableString() : null;
    const protocolType = r.string();
    const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
    return {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
    };
  },
  encode(w, version, resp) {
    if (version >= 2) w.int32(0);
    w.int16(resp.errorCode).int32(resp.generationId).string(resp.protocolName).string(resp.leader);
    w.string(resp.memberId);
    w.array(resp.members, (w, m) => {
      w.string(m.memberId);
      if (version >= 5) w.nullableString(m.groupInstanceId);
      w.nullableBytes(m.metadata);
    });
  },
  errorResponse: (req, code) => ({
    errorCode: code,
    generationId: -1,
    protocolName: '',
    leader: '',
    memberId: req.memberId,
    members: [],
  }),
};

export type SyncGroupRequest = {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
};
export type SyncGroupResponse = { errorCode: number; assignment: Buffer };

export const syncGroupCodec: ApiCodec<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  decode(r, version) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const assignments = r.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
    return { groupId, generationId, memberId, groupInstanceId, assignments };
  },
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.int16(resp.errorCode).nullableBytes(resp.assignment);
  },
  errorResponse: (_req, code) => ({ errorCode: code, assignment: Buffer.alloc(0) }),
};

export type HeartbeatRequest = { groupId: string; generationId: number; memberId: string };
export type ErrorOnlyResponse = { errorCode: number };

export const heartbeatCodec: ApiCodec<HeartbeatRequest, ErrorOnlyResponse> = {
  apiKey: ApiKey.Heartbeat,
  decode(r, version) {
    const req = { groupId: r.string(), generationId: r.int32(), memberId: r.string() };
    if (version >= 3) r.nullableString(); // group_instance_id
    return req;
  },
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.int16(resp.errorCode);
  },
  errorResponse: (_req, code) => ({ errorCode: code }),
};

export type LeaveGroupRequest = { groupId: string; memberIds: string[] };
export type LeaveGroupResponse = { errorCode: number; members: { memberId: string; errorCode: number }[] };

export const leaveGroupCodec: ApiCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  decode(r, version) {
    const groupId = r.string();
    if (version < 3) return { groupId, memberIds: [r.string()] };
    const memberIds = r.array((r) => {
      const id = r.string();
      r.nullableString(); // group_instance_id
      return id;
    });
    return { groupId, memberIds };
  },
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.int16(resp.errorCode);
    if (version >= 3) {
      w.array(resp.members, (w, m) => w.string(m.memberId).nullableString(null).int16(m.errorCode));
    }
  },
  errorResponse: (req, code) => ({
    errorCode: code,
    members: req.memberIds.map((memberId) => ({ memberId, errorCode: code })),
  }),
};

export type DescribedMember = {
  memberId: string;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
};
export type DescribedGroup = {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: DescribedMember[];
};
export type DescribeGroupsRequest = { groupIds: string[] };
export type DescribeGroupsResponse = { groups: DescribedGroup[] };

export const describeGroupsCodec: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  decode: (r) => ({ groupIds: r.array((r) => r.string()) }),
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.array(resp.groups, (w, g) => {
      w.int16(g.errorCode).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocol);
      w.array(g.members, (w, m) => {
        w.string(m.memberId).string(m.clientId).string(m.clientHost);
        w.nullableBytes(m.metadata).nullableBytes(m.assignment);
      });
    });
  },
  errorResponse: (req, code) => ({
    groups: req.groupIds.map((groupId) => ({
      errorCode: code,
      groupId,
      state: '',
      protocolType: '',
      protocol: '',
      members: [],
    })),
  }),
};

export type ListGroupsRequest = Record<string, never>;
export type ListGroupsResponse = { errorCode: number; groups: { groupId: string; protocolType: string }[] };

export const listGroupsCodec: ApiCodec<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  decode: () => ({}),
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.int16(resp.errorCode);
    w.array(resp.groups, (w, g) => w.string(g.groupId).string(g.protocolType));
  },
  errorResponse: (_req, code) => ({ errorCode: code, groups: [] }),
};
